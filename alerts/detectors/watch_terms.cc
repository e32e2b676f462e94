// Watch list: documents naming a sensitive term (群体性, 上访, 爆炸, 塌陷, 中毒, 死亡 … in
// configs/alerts.yaml with their severity) fire at once, one alert per story: a term in a phrase
// listed under `exclude` (死亡率, 安全演练…) does not count. Looks at the last hour's documents; the
// alert carries every document of the story that names a term so far.
#include <map>
#include <set>

#include "alerts/detector.h"
#include "alerts/evidence.h"

namespace yuqing::alerts {

namespace {

// Terms found in `text` outside every excluded phrase.
std::vector<std::string> terms_in(const std::string& text, const WatchTermsOptions& o) {
  std::vector<std::pair<size_t, size_t>> excluded;  // byte ranges
  for (const auto& x : o.exclude)
    for (size_t at = text.find(x); !x.empty() && at != std::string::npos; at = text.find(x, at + 1)) excluded.push_back({at, at + x.size()});
  std::vector<std::string> found;
  for (const auto& [term, severity] : o.terms) {
    for (size_t at = text.find(term); !term.empty() && at != std::string::npos; at = text.find(term, at + 1)) {
      bool inside = false;
      for (const auto& [b, e] : excluded) inside = inside || (at >= b && at + term.size() <= e);
      if (!inside) {
        found.push_back(term);
        break;
      }
    }
  }
  return found;
}

class WatchTerms final : public Detector {
 public:
  const char* name() const override { return "watch_term"; }
  bool immediate() const override { return true; }
  bool enabled(const AlertsConfig& c) const override { return c.watch_terms.enabled && !c.watch_terms.terms.empty(); }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.watch_terms;
    const FactSet& facts = ctx.facts;
    std::set<std::string> stories;
    for (size_t i = facts.lower_bound(ctx.now - kHour), end = facts.lower_bound(ctx.now); i < end; ++i)
      if (facts.is_voice(i) && !terms_in(facts.facts()[i].title + "\n" + facts.facts()[i].text, o).empty())
        stories.insert(facts.facts()[i].story);
    for (const auto& story : stories) {
      std::vector<size_t> hits;
      std::set<std::string> terms;
      for (size_t i : facts.by_story().at(story)) {
        if (facts.facts()[i].time >= ctx.now || !facts.is_voice(i)) continue;
        const auto found = terms_in(facts.facts()[i].title + "\n" + facts.facts()[i].text, o);
        if (found.empty()) continue;
        hits.push_back(i);
        terms.insert(found.begin(), found.end());
      }
      if (hits.empty()) continue;
      const Fact& first = facts.facts()[hits.front()];
      Finding f;
      f.key = "story:" + story;
      f.concern_start = first.time;
      f.size = double(hits.size());
      Alert& a = f.alert;
      a.detector = name();
      a.story = story;
      a.issue = first.issues.empty() ? "" : first.issues.front();
      a.place = first.places.empty() ? "" : first.places.front();
      a.window_start = first.time;
      a.window_end = ctx.now;
      a.observed = double(hits.size());
      a.terms.assign(terms.begin(), terms.end());
      a.severity = Severity::general;
      for (const auto& t : terms) {
        const auto level = severity_from_string(o.terms.at(t)).value_or(Severity::general);
        if (int(level) > int(a.severity)) a.severity = level;
      }
      std::string joined;
      for (const auto& t : terms) joined += (joined.empty() ? "" : "、") + t;
      a.rule = "出现关注词（configs/alerts.yaml watch_terms），每个事件（story）一次";
      a.title = "敏感信息：" + joined + "（" + where_what(a.issue, a.place) + "）";
      a.summary = "“" + utf8_prefix(first.title.empty() ? first.text : first.title, 120) + "”等 " +
                  std::to_string(hits.size()) + " 篇文档提到“" + joined + "”，首发于 " + first.site + "。请尽快核实。";
      add_evidence(facts, hits, a);
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

const Detector& watch_terms_detector() {
  static const WatchTerms d;
  return d;
}

}  // namespace yuqing::alerts
