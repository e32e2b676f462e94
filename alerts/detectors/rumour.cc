// Rumour: threads that pass on an unconfirmed claim about an issue in a place (网传, 听说, 有人说,
// 是真的吗 … in one of their public voices) arrive far faster than such threads usually do there —
// the same seasonal, one-sided negative-binomial test as the volume spike, on the threads that carry
// a rumour cue instead of all threads. Hearsay is rare in ordinary talk about one issue in one town
// (0.6–5 % of real messages, posts and headlines hold one of the cues), so a handful of such threads
// in a day stands out long before the topic's whole volume does, and a rumour whose posts are calm
// or mixed in tone still counts. A voice that debunks (`exclude`: 辟谣, 不实 …) is an answer, not
// the rumour; an official clarification closes the alert (fast_story's resolve).
//
// The concern key is the volume spike's ("issue|place"): a rumour and a spike of the same issue in
// the same place are one concern, alerted again only when it escalates or grows (alerts/engine.h).
//
// Severity: 重大 when rumour threads >= 2 x min_threads from >= 3 sites; else 较大 (a rumour is
// never routine).
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "alerts/detector.h"
#include "alerts/evidence.h"
#include "alerts/seasonal.h"
#include "alerts/stats.h"

namespace yuqing::alerts {

namespace {

class Rumour final : public Detector {
 public:
  const char* name() const override { return "rumour"; }
  bool enabled(const AlertsConfig& c) const override { return c.rumour.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.rumour;
    const FactSet& facts = ctx.facts;
    const auto seasonal =
        seasonal_window(facts, ctx.now, o.window_hours, o.baseline_days, o.cold_start_days, ctx.config.utc_offset_minutes);
    if (!seasonal) return;
    const UnixSeconds window_start = seasonal->window_start, baseline_start = seasonal->baseline_start;

    std::vector<Finding> place_level, issue_level;
    for (const auto& [key, indices] : facts.by_key()) {
      if (key.place.empty() && !o.per_issue) continue;
      // Rumour threads of the key: each thread counted once, at its first voice with a cue.
      std::vector<size_t> arrivals;
      std::set<size_t> roots;
      for (size_t i : between(facts, indices, baseline_start, ctx.now)) {
        if (!facts.is_voice(i) || roots.count(facts.root_of(i)) || !facts.names_any(i, o.cues, o.exclude)) continue;
        roots.insert(facts.root_of(i));
        arrivals.push_back(i);
      }
      const auto threads = between(facts, arrivals, window_start, ctx.now);
      if (int(threads.size()) < o.min_threads) continue;
      std::set<std::string> authors, sites;
      for (size_t i : threads) {
        authors.insert(facts.facts()[i].author);
        sites.insert(facts.facts()[i].site);
      }
      if (int(authors.size()) < o.min_threads) continue;  // one person repeating a claim is not spread
      const double observed = double(threads.size());
      const double history = double(count_between(facts, arrivals, baseline_start, window_start));
      const double expected = seasonal->expected(history, o.prior_threads);
      if (observed < o.min_ratio * expected) continue;
      const double p = negative_binomial_upper_tail(observed, expected, o.dispersion);
      spdlog::debug("rumour {}|{} at {}: threads {} expected {:.3f} p {:.2e}", key.issue, key.place, ctx.now, threads.size(),
                    expected, p);
      if (p >= o.p_value) continue;
      // The documents behind it: every document of the key in the window in those threads.
      std::set<size_t> window_roots;
      for (size_t i : threads) window_roots.insert(facts.root_of(i));
      std::vector<size_t> docs;
      for (size_t i : between(facts, indices, window_start, ctx.now))
        if (window_roots.count(facts.root_of(i))) docs.push_back(i);

      Finding f = issue_place_finding(name(), key, window_start, ctx.now, observed, expected, p, observed);
      Alert& a = f.alert;
      a.severity = (observed >= 2 * o.min_threads && sites.size() >= 3) ? Severity::critical : Severity::major;
      a.rule = "过去" + std::to_string(o.window_hours) + "小时新增传播未经证实说法（如“" + (o.cues.empty() ? "" : o.cues.front()) +
               "”）的话题≥" + std::to_string(o.min_threads) + "个、来自≥" + std::to_string(o.min_threads) + "位作者，为近" +
               std::to_string(o.baseline_days) + "天同时段基线的≥" + format_number(o.min_ratio, 0) + "倍（负二项检验 p<" +
               format_p(o.p_value) + "）；官方澄清后关闭";
      a.title = where_what(key.issue, key.place) + " 疑似谣言传播";
      a.summary = "过去" + std::to_string(o.window_hours) + "小时有 " + format_number(observed, 0) + " 个话题、" +
                  std::to_string(authors.size()) + " 位不同作者在 " + std::to_string(sites.size()) +
                  " 个站点传播未经证实的说法；按近" + std::to_string(o.baseline_days) + "天同时段基线预期 " + format_number(expected, 2) +
                  " 个（负二项检验 p=" + format_p(p) + "）。请核实情况，必要时发布权威信息澄清。";
      add_evidence(facts, docs, a);
      const double per_day = seasonal->expected_per_day(history, o.prior_threads);
      a.series = daily_series(facts, between(facts, arrivals, ctx.now - 14 * kDay, ctx.now), ctx.now - 14 * kDay, ctx.now,
                              per_day, ctx.config.utc_offset_minutes);
      (key.place.empty() ? issue_level : place_level).push_back(std::move(f));
    }
    keep_unexplained(std::move(issue_level), place_level, out);
    for (auto& f : place_level) out.push_back(std::move(f));
  }
};

}  // namespace

const Detector& rumour_detector() {
  static const Rumour d;
  return d;
}

}  // namespace yuqing::alerts
