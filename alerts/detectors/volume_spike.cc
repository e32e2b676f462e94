// Volume spike: an issue in a place (and an issue over the whole district) brings far more
// independent voices — new threads, not comments under one article — than its seasonal expectation
// (alerts/seasonal.h), by a one-sided negative-binomial test with minimum counts. A rise made of
// mostly positive voices (praise) is not a concern and does not fire.
//
// Severity: 重大 when observed >= 10, >= 10x expected, p < 1e-10 and at least 60 % negative;
// 较大 when p < 1e-6 or >= 5x expected; else 一般.
#include <cmath>
#include <map>
#include <set>

#include "alerts/detector.h"
#include "alerts/evidence.h"
#include "alerts/seasonal.h"
#include "alerts/stats.h"

namespace yuqing::alerts {

namespace {

class VolumeSpike final : public Detector {
 public:
  const char* name() const override { return "volume_spike"; }
  bool enabled(const AlertsConfig& c) const override { return c.volume_spike.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.volume_spike;
    const FactSet& facts = ctx.facts;
    if (facts.facts().empty() || ctx.now - facts.first_time() < o.cold_start_days * kDay) return;
    const UnixSeconds window_start = ctx.now - o.window_hours * kHour;
    const UnixSeconds baseline_start = std::max(window_start - o.baseline_days * kDay, facts.first_time() / kHour * kHour);
    const SeasonalProfile profile(facts, baseline_start, window_start, ctx.config.utc_offset_minutes);
    const double baseline_mass = std::max(profile.mass(baseline_start, window_start), 1.0);
    const double window_mass = profile.mass(window_start, ctx.now);

    std::vector<Finding> place_level, issue_level;
    for (const auto& [key, arrivals] : facts.arrivals()) {
      if (key.place.empty() && !o.per_issue) continue;
      const auto voices = between(facts, arrivals, window_start, ctx.now);
      if (double(voices.size()) < o.min_voices) continue;
      const double history = double(count_between(facts, arrivals, baseline_start, window_start));
      const double expected = (history + o.prior_voices) / baseline_mass * window_mass;
      const double observed = double(voices.size());
      if (observed < o.min_ratio * expected) continue;
      const double p = negative_binomial_upper_tail(observed, expected, o.dispersion);
      if (p >= o.p_value) continue;
      const auto docs = between(facts, facts.by_key().at(key), window_start, ctx.now);
      size_t negative = 0;
      for (size_t i : docs) negative += facts.facts()[i].sentiment == "negative";
      const double negative_share = docs.empty() ? 0 : double(negative) / double(docs.size());
      if (negative_share < o.min_negative_share) continue;

      Finding f;
      f.key = key.issue + "|" + key.place;
      f.concern_start = window_start;
      f.size = observed;
      Alert& a = f.alert;
      a.detector = name();
      a.issue = key.issue;
      a.place = key.place;
      a.window_start = window_start;
      a.window_end = ctx.now;
      a.observed = observed;
      a.expected = expected;
      a.p_value = p;
      const double ratio = observed / std::max(expected, 1e-9);
      a.severity = (observed >= 10 && ratio >= 10 && p < 1e-10 && negative_share >= 0.6) ? Severity::critical
                   : (p < 1e-6 || ratio >= 5)                                            ? Severity::major
                                                                                        : Severity::general;
      a.rule = "过去" + std::to_string(o.window_hours) + "小时独立声量（新话题数）≥" + format_number(o.min_voices, 0) +
               "、≥" + format_number(o.min_ratio, 0) + "倍季节基线，负二项检验 p<" + format_p(o.p_value) + "，负面占比≥" +
               format_number(o.min_negative_share * 100, 0) + "%";
      a.title = where_what(key.issue, key.place) + " 声量异常上升";
      a.summary = "过去" + std::to_string(o.window_hours) + "小时出现 " + format_number(observed, 0) +
                  " 个独立话题（文章、帖子、留言各算一个，评论不重复计），按近" + std::to_string(o.baseline_days) +
                  "天同时段基线预期 " + format_number(expected, 2) + " 个，为预期的 " + format_number(ratio, 1) +
                  " 倍（负二项检验 p=" + format_p(p) + "）。相关文档 " + std::to_string(docs.size()) + " 篇，负面占比 " +
                  format_number(negative_share * 100, 0) + "%。";
      add_evidence(facts, docs, a);
      const double per_day = (history + o.prior_voices) / baseline_mass * profile.mass(ctx.now - kDay, ctx.now);
      a.series = daily_series(facts, between(facts, arrivals, ctx.now - 14 * kDay, ctx.now), ctx.now - 14 * kDay,
                              ctx.now, per_day, ctx.config.utc_offset_minutes);
      (key.place.empty() ? issue_level : place_level).push_back(std::move(f));
    }
    // An issue-wide spike that one place explains is that place's alert, not a second one.
    for (auto& f : issue_level) {
      bool explained = false;
      for (const auto& p : place_level)
        if (p.alert.issue == f.alert.issue && p.size * 2 >= f.size) explained = true;
      if (!explained) out.push_back(std::move(f));
    }
    for (auto& f : place_level) out.push_back(std::move(f));
  }
};

}  // namespace

const Detector& volume_spike_detector() {
  static const VolumeSpike d;
  return d;
}

}  // namespace yuqing::alerts
