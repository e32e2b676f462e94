// Fast-spreading story: one story (the processors' near-duplicate groups) carried by many sites
// within a day — reposts travelling from site to site. And its end: an official site's article
// with a clarification term (辟谣, 不实, 情况说明 …) about the same issue and place closes the open
// alerts about it (the rumour is answered).
//
// Severity: 较大 when the story is mostly negative or on min_sites + 2 sites; else 一般.
#include <set>

#include "alerts/detector.h"
#include "alerts/evidence.h"

namespace yuqing::alerts {

namespace {

class FastStory final : public Detector {
 public:
  const char* name() const override { return "fast_story"; }
  bool immediate() const override { return true; }
  bool enabled(const AlertsConfig& c) const override { return c.fast_story.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.fast_story;
    const FactSet& facts = ctx.facts;
    const UnixSeconds window_start = ctx.now - o.window_hours * kHour;
    std::set<std::string> recent;  // stories that grew in the last hour
    for (size_t i = facts.lower_bound(ctx.now - kHour), end = facts.lower_bound(ctx.now); i < end; ++i)
      if (facts.facts()[i].parent_id.empty()) recent.insert(facts.facts()[i].story);
    for (const auto& story : recent) {
      std::vector<size_t> top;
      std::set<std::string> sites;
      size_t negative = 0;
      for (size_t i : facts.by_story().at(story)) {
        const Fact& f = facts.facts()[i];
        if (f.time < window_start || f.time >= ctx.now || !f.parent_id.empty() || !facts.is_voice(i)) continue;
        top.push_back(i);
        sites.insert(f.site);
        negative += f.sentiment == "negative";
      }
      if (int(sites.size()) < o.min_sites || int(top.size()) < o.min_documents) continue;
      const Fact& first = facts.facts()[top.front()];
      Finding f;
      f.key = "story:" + story;
      f.concern_start = first.time;
      f.size = double(top.size());
      Alert& a = f.alert;
      a.detector = name();
      a.story = story;
      a.issue = first.issues.empty() ? "" : first.issues.front();
      a.place = first.places.empty() ? "" : first.places.front();
      a.window_start = window_start;
      a.window_end = ctx.now;
      a.observed = double(sites.size());
      a.expected = o.min_sites;
      const bool mostly_negative = negative * 2 > top.size();
      a.severity = (mostly_negative || int(sites.size()) >= o.min_sites + 2) ? Severity::major : Severity::general;
      a.rule = std::to_string(o.window_hours) + "小时内同一内容被≥" + std::to_string(o.min_sites) + "个站点、≥" +
               std::to_string(o.min_documents) + "篇文章或帖子转发";
      const std::string headline = utf8_prefix(first.title.empty() ? first.text : first.title, 90);
      a.title = "快速传播：" + headline;
      a.summary = "“" + headline + "”" + std::to_string(o.window_hours) + "小时内被 " + std::to_string(sites.size()) + " 个站点转发 " +
                  std::to_string(top.size()) + " 次（负面 " + std::to_string(negative) + " 篇），首发于 " + first.site + "（" +
                  where_what(a.issue, a.place) + "）。";
      std::vector<size_t> all;  // with comments, every document of the story so far
      for (size_t i : facts.by_story().at(story))
        if (facts.facts()[i].time < ctx.now) all.push_back(i);
      add_evidence(facts, all, a);
      out.push_back(std::move(f));
    }
  }

  void resolve(const DetectorContext& ctx, std::vector<Closure>& out) const override {
    const auto& o = ctx.config.fast_story;
    const FactSet& facts = ctx.facts;
    for (size_t i = facts.lower_bound(ctx.now - kHour), end = facts.lower_bound(ctx.now); i < end; ++i) {
      const Fact& f = facts.facts()[i];
      if (!f.official || f.kind != DocKind::article || f.issues.empty()) continue;
      const std::string text = f.title + "\n" + f.text;
      bool clarifies = false;
      for (const auto& t : o.clarification_terms) clarifies = clarifies || text.find(t) != std::string::npos;
      if (!clarifies) continue;
      for (const auto& issue : f.issues) {
        if (f.places.empty()) out.push_back({issue, "", f.time, "官方已澄清：" + f.title + " " + f.url});
        for (const auto& place : f.places) out.push_back({issue, place, f.time, "官方已澄清：" + f.title + " " + f.url});
      }
    }
  }
};

}  // namespace

const Detector& fast_story_detector() {
  static const FastStory d;
  return d;
}

}  // namespace yuqing::alerts
