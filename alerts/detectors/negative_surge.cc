// Negative surge: the share of negative documents about an issue in a place rises significantly
// above its own baseline — a one-sided binomial test on counts, never a raw ratio, with a minimum
// number of documents. One thread contributes at most `per_thread_cap` documents, so one angry
// comment section is one voice, not a surge. The baseline share is shrunk towards the district's
// share, so a key with little history is judged against the district.
//
// Severity: 较大 when the window share >= 80 % or p < 1e-8; else 一般.
#include <map>

#include "alerts/detector.h"
#include "alerts/evidence.h"
#include "alerts/seasonal.h"
#include "alerts/stats.h"

namespace yuqing::alerts {

namespace {

struct Counts {
  int documents = 0;
  int negative = 0;
};

// Counts over `indices` with at most `cap` documents per thread.
Counts capped_counts(const FactSet& facts, const std::vector<size_t>& indices, int cap) {
  std::map<size_t, int> per_thread;
  Counts c;
  for (size_t i : indices) {
    if (!facts.is_voice(i)) continue;
    if (++per_thread[facts.root_of(i)] > cap) continue;
    ++c.documents;
    c.negative += facts.facts()[i].sentiment == "negative";
  }
  return c;
}

class NegativeSurge final : public Detector {
 public:
  const char* name() const override { return "negative_surge"; }
  bool enabled(const AlertsConfig& c) const override { return c.negative_surge.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.negative_surge;
    const FactSet& facts = ctx.facts;
    if (facts.facts().empty() || ctx.now - facts.first_time() < o.cold_start_days * kDay) return;
    const UnixSeconds window_start = ctx.now - o.window_hours * kHour;
    const UnixSeconds baseline_start = window_start - o.baseline_days * kDay;

    // The district's share over the baseline period.
    std::vector<size_t> all_baseline;
    for (size_t i = facts.lower_bound(baseline_start), end = facts.lower_bound(window_start); i < end; ++i)
      all_baseline.push_back(i);
    const Counts district = capped_counts(facts, all_baseline, o.per_thread_cap);
    const double district_share = district.documents ? double(district.negative) / district.documents : 0.3;

    for (const auto& [key, indices] : facts.by_key()) {
      if (key.place.empty()) continue;  // an issue-wide share mixes places that differ; places are tested
      const auto window = between(facts, indices, window_start, ctx.now);
      const Counts w = capped_counts(facts, window, o.per_thread_cap);
      if (w.documents < o.min_documents) continue;
      const Counts b = capped_counts(facts, between(facts, indices, baseline_start, window_start), o.per_thread_cap);
      const double baseline_share = (b.negative + o.prior_documents * district_share) / (b.documents + o.prior_documents);
      const double share = double(w.negative) / w.documents;
      if (share < baseline_share + o.min_rise) continue;
      const double p = binomial_upper_tail(w.negative, w.documents, baseline_share);
      if (p >= o.p_value) continue;

      Finding f = issue_place_finding(name(), key, window_start, ctx.now, share, baseline_share, p, w.negative);
      Alert& a = f.alert;
      a.severity = (share >= 0.8 || p < 1e-8) ? Severity::major : Severity::general;
      a.rule = "过去" + std::to_string(o.window_hours) + "小时负面占比比基线高" + format_number(o.min_rise * 100, 0) +
               "个百分点以上，二项检验 p<" + format_p(o.p_value) + "，至少" + format_number(o.min_documents, 0) +
               "篇（每个话题最多计" + std::to_string(o.per_thread_cap) + "篇）";
      a.title = where_what(key.issue, key.place) + " 负面情绪显著上升";
      a.summary = "过去" + std::to_string(o.window_hours) + "小时相关文档 " + std::to_string(w.documents) + " 篇（每个话题最多计" +
                  std::to_string(o.per_thread_cap) + "篇）中负面 " + std::to_string(w.negative) + " 篇，占 " +
                  format_number(share * 100, 0) + "%；此前" + std::to_string(o.baseline_days) + "天基线负面占比 " +
                  format_number(baseline_share * 100, 0) + "%（二项检验 p=" + format_p(p) + "）。";
      add_evidence(facts, window, a);
      std::vector<size_t> negatives;
      for (size_t i : between(facts, indices, ctx.now - 14 * kDay, ctx.now))
        if (facts.facts()[i].sentiment == "negative") negatives.push_back(i);
      a.series = daily_series(facts, negatives, ctx.now - 14 * kDay, ctx.now, 0, ctx.config.utc_offset_minutes);
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

const Detector& negative_surge_detector() {
  static const NegativeSurge d;
  return d;
}

}  // namespace yuqing::alerts
