// Volume spike: an issue in a place (and an issue over the whole district) gets far more new
// threads — articles, posts, messages new to it — than its seasonal expectation (alerts/seasonal.h),
// by a one-sided negative-binomial test, with minimum counts: threads, a ratio, and distinct authors
// taking part (at most `voices_per_thread` per thread, so one comment section is not a crowd).
// Threads, not documents, are tested because voices arrive in clumps: one article with forty
// comments is one event. A rise made of mostly positive documents (praise) is not a concern.
//
// Multiple testing: every issue x place is tested every hour, so a fixed per-test p would raise
// more chance alerts the more places and issues a district has. The per-test threshold is instead
// a monthly false-alarm budget shared by the keys tested: p < budget / (keys x windows a month).
// The expectation rests on a short, sparse history, so the test's spread is the dispersion's plus
// that of the estimated rate (a gamma with the baseline's threads as shape): a key with a week of
// history is not judged as if its rate were known.
// An issue-wide rise must also stand without its busiest place: otherwise it is that place's
// concern, and its own test (and routing to its town) decides.
//
// Severity: 重大 when threads >= 6, >= 10x expected, p < 1e-10 and at least 60 % negative;
// 较大 when p < 1e-6 or >= 5x expected; else 一般.
#include <algorithm>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "alerts/detector.h"
#include "alerts/evidence.h"
#include "alerts/seasonal.h"
#include "alerts/stats.h"

namespace yuqing::alerts {

namespace {

// Baseline threads each issue x place would have if issues and places were independent: the
// issue's threads over all places x the place's threads over all issues / all threads — the
// empirical-Bayes target a key's own sparse count is shrunk toward. (Issue-wide keys are left out:
// their own counts are large enough.)
std::map<Key, double> margin_history(const FactSet& facts, UnixSeconds from, UnixSeconds to) {
  std::map<Key, double> own;
  std::map<std::string, double> by_issue, by_place;
  double all = 0;
  for (const auto& [key, arrivals] : facts.arrivals()) {
    if (key.place.empty()) continue;
    const auto& ordinals = facts.arrival_ordinals().at(key);
    double n = 0;
    for (size_t k = 0; k < arrivals.size(); ++k) {
      const UnixSeconds t = facts.facts()[arrivals[k]].time;
      n += ordinals[k] == 0 && t >= from && t < to;
    }
    own[key] = n;
    by_issue[key.issue] += n;
    by_place[key.place] += n;
    all += n;
  }
  std::map<Key, double> out;
  if (all <= 0) return out;
  for (const auto& [key, n] : own) out[key] = by_issue[key.issue] * by_place[key.place] / all;
  return out;
}

// A key's thread arrivals: the first voice of each thread new to it, in time order.
std::vector<size_t> thread_arrivals_of(const FactSet& facts, const Key& key) {
  const auto& arrivals = facts.arrivals().at(key);
  const auto& ordinals = facts.arrival_ordinals().at(key);
  std::vector<size_t> out;
  for (size_t k = 0; k < arrivals.size(); ++k)
    if (ordinals[k] == 0) out.push_back(arrivals[k]);
  return out;
}

// The negative binomial's size for a count whose expectation rests on `evidence` threads: the
// dispersion's spread plus that of a gamma-distributed rate with that shape.
double predictive_size(double dispersion, double evidence) { return 1 / (1 / dispersion + 1 / evidence); }

// For an issue-wide spike: the place with the most new threads of the issue in the window, if
// without it the rest of the district is no spike (the rise is that place's); nullptr otherwise.
const Key* explaining_place(const FactSet& facts, const Key& issue_wide, const SeasonalWindow& w, const VolumeSpikeOptions& o,
                            double p_threshold) {
  const Key* busiest = nullptr;
  size_t busiest_threads = 0;
  for (auto it = facts.arrivals().upper_bound(issue_wide); it != facts.arrivals().end() && it->first.issue == issue_wide.issue;
       ++it) {
    const size_t n = count_between(facts, thread_arrivals_of(facts, it->first), w.window_start, w.now);
    if (n > busiest_threads) busiest = &it->first, busiest_threads = n;
  }
  if (!busiest) return nullptr;
  const auto all = thread_arrivals_of(facts, issue_wide), place = thread_arrivals_of(facts, *busiest);
  const double rest = double(count_between(facts, all, w.window_start, w.now)) - double(busiest_threads);
  const double rest_history = std::max(0.0, double(count_between(facts, all, w.baseline_start, w.window_start)) -
                                                double(count_between(facts, place, w.baseline_start, w.window_start)));
  const double rest_expected = w.expected(rest_history, o.prior_threads);
  const bool rest_rises =
      rest >= o.min_ratio * rest_expected &&
      negative_binomial_upper_tail(rest, rest_expected, predictive_size(o.dispersion, rest_history + o.prior_threads)) <
          p_threshold;
  return rest_rises ? nullptr : busiest;
}

// Keys with a thread before `now`: the series tested each hour (issue-wide ones only with per_issue).
size_t tested_keys(const FactSet& facts, bool per_issue, UnixSeconds now) {
  size_t n = 0;
  for (const auto& [key, arrivals] : facts.arrivals())
    n += (per_issue || !key.place.empty()) && !arrivals.empty() && facts.facts()[arrivals.front()].time < now;
  return n;
}

class VolumeSpike final : public Detector {
 public:
  const char* name() const override { return "volume_spike"; }
  bool enabled(const AlertsConfig& c) const override { return c.volume_spike.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.volume_spike;
    const FactSet& facts = ctx.facts;
    const auto seasonal =
        seasonal_window(facts, ctx.now, o.window_hours, o.baseline_days, o.cold_start_days, ctx.config.utc_offset_minutes);
    if (!seasonal) return;
    const UnixSeconds window_start = seasonal->window_start, baseline_start = seasonal->baseline_start;

    const auto predicted = margin_history(facts, baseline_start, window_start);
    const double p_threshold = o.p_threshold(tested_keys(facts, o.per_issue, ctx.now));
    std::vector<Finding> place_level, issue_level;
    for (const auto& [key, all_arrivals] : facts.arrivals()) {
      if (key.place.empty() && !o.per_issue) continue;
      // Voices beyond the thread's cap do not count, in the window nor in the baseline.
      const auto& ordinals = facts.arrival_ordinals().at(key);
      std::vector<size_t> arrivals;
      for (size_t k = 0; k < all_arrivals.size(); ++k)
        if (ordinals[k] < o.voices_per_thread) arrivals.push_back(all_arrivals[k]);
      const auto voices = between(facts, arrivals, window_start, ctx.now);
      if (double(voices.size()) < o.min_voices) continue;
      // Threads are the independent units (voices come in clumps, a thread at a time), so the test
      // counts threads new to the key against their seasonal expectation; voices show that people
      // engage.
      const std::vector<size_t> thread_arrivals = thread_arrivals_of(facts, key);
      const auto threads = between(facts, thread_arrivals, window_start, ctx.now);
      std::set<std::string> sites;
      for (size_t i : voices) sites.insert(facts.facts()[i].site);
      if (int(threads.size()) < o.min_threads || int(sites.size()) < o.min_sites) continue;
      const double observed = double(threads.size());
      double history = double(count_between(facts, thread_arrivals, baseline_start, window_start));
      double evidence = history + o.prior_threads;  // threads the expectation rests on
      if (const auto m = predicted.find(key); m != predicted.end()) {
        evidence += o.margin_weight * m->second;
        history = (history + o.margin_weight * m->second) / (1 + o.margin_weight);
      }
      const double expected = seasonal->expected(history, o.prior_threads);
      if (observed < o.min_ratio * expected) continue;
      // The expectation is itself an estimate, as uncertain as the few threads it rests on.
      const double p = negative_binomial_upper_tail(observed, expected, predictive_size(o.dispersion, evidence));
      spdlog::debug("volume_spike {}|{} at {}: voices {} threads {} expected {:.2f} p {:.2e} (threshold {:.1e})", key.issue,
                    key.place, ctx.now, voices.size(), threads.size(), expected, p, p_threshold);
      if (p >= p_threshold) continue;
      // A town's complaint echoing in the district-wide count is the town's concern.
      if (key.place.empty()) {
        if (const Key* place = explaining_place(facts, key, *seasonal, o, p_threshold)) {
          spdlog::debug("volume_spike {}| at {}: left to {}", key.issue, ctx.now, place->place);
          continue;
        }
      }
      // The documents behind it: those of the new threads (the observed count), not every document
      // of the key in the window.
      std::set<size_t> roots;
      for (size_t i : threads) roots.insert(facts.root_of(i));
      std::vector<size_t> docs;
      for (size_t i : between(facts, facts.by_key().at(key), window_start, ctx.now))
        if (roots.count(facts.root_of(i))) docs.push_back(i);
      size_t negative = 0, positive = 0;
      for (size_t i : docs) {
        negative += facts.facts()[i].sentiment == "negative";
        positive += facts.facts()[i].sentiment == "positive";
      }
      const double negative_share = docs.empty() ? 0 : double(negative) / double(docs.size());
      if (docs.empty() || double(positive) / double(docs.size()) >= o.max_positive_share) continue;

      Finding f = issue_place_finding(name(), key, window_start, ctx.now, observed, expected, p, observed);
      Alert& a = f.alert;
      const double ratio = observed / std::max(expected, 1e-9);
      a.severity = (observed >= 6 && ratio >= 10 && p < 1e-10 && negative_share >= 0.6) ? Severity::critical
                   : (p < 1e-6 || ratio >= 5)                                            ? Severity::major
                                                                                        : Severity::general;
      a.rule = "过去" + std::to_string(o.window_hours) + "小时新增相关话题≥" + std::to_string(o.min_threads) + "个、为近" +
               std::to_string(o.baseline_days) + "天同时段基线的≥" + format_number(o.min_ratio, 0) + "倍（负二项检验 p<" +
               format_p(p_threshold) + "，每月误报预算" + format_number(o.false_alarms_per_month, 2) +
               "次），参与的不同作者≥" + format_number(o.min_voices, 0) + "人（每个话题最多计" +
               std::to_string(o.voices_per_thread) + "人），正面占比<" + format_number(o.max_positive_share * 100, 0) + "%";
      a.title = where_what(key.issue, key.place) + " 声量异常上升";
      a.summary = "过去" + std::to_string(o.window_hours) + "小时新增 " + format_number(observed, 0) + " 个相关话题（文章、帖子或留言），" +
                  std::to_string(voices.size()) + " 位不同作者参与；按近" + std::to_string(o.baseline_days) + "天同时段基线预期 " +
                  format_number(expected, 2) + " 个，为预期的 " + format_number(ratio, 1) + " 倍（负二项检验 p=" + format_p(p) +
                  "）。相关文档 " + std::to_string(docs.size()) + " 篇，负面占比 " + format_number(negative_share * 100, 0) + "%。";
      add_evidence(facts, docs, a);
      const double per_day = seasonal->expected_per_day(history, o.prior_threads);
      a.series = daily_series(facts, between(facts, thread_arrivals, ctx.now - 14 * kDay, ctx.now), ctx.now - 14 * kDay,
                              ctx.now, per_day, ctx.config.utc_offset_minutes);
      (key.place.empty() ? issue_level : place_level).push_back(std::move(f));
    }
    keep_unexplained(std::move(issue_level), place_level, out);
    for (auto& f : place_level) out.push_back(std::move(f));
  }
};

}  // namespace

const Detector& volume_spike_detector() {
  static const VolumeSpike d;
  return d;
}

}  // namespace yuqing::alerts
