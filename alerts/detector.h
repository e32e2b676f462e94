// Detector: one kind of rising concern, a pure function of the visible facts at an hour.
//
// Contract
// - detect() looks only at facts with time < ctx.now (FactSet queries take `now`), so the same
//   code runs in production on stored data and in a backtest replayed hour by hour, and is
//   unit-tested on hand-made facts.
// - It returns Findings: a filled-in Alert (title, summary, observed vs expected, p-value, evidence,
//   document ids, severity by the documented rules) and a `key` naming the concern (an issue in a
//   place, a story, a unit). The engine (alerts/engine.h) owns ids, routing, de-duplication and
//   state; a detector keeps no state between calls.
// - A new detector is one file in alerts/detectors/ plus one line in detectors/registry.cc.
#pragma once

#include <string>
#include <vector>

#include "core/alert.h"
#include "alerts/config.h"
#include "alerts/facts.h"

namespace yuqing::alerts {

struct DetectorContext {
  const FactSet& facts;
  const AlertsConfig& config;
  UnixSeconds now;  // the end of the evaluated hour
};

struct Finding {
  std::string key;            // the concern, for de-duplication: "issue|place", "story:<id>", "unit:<name>"
  UnixSeconds concern_start = 0;  // when the concern's window began (part of the alert id)
  double size = 0;            // what "grows" means when deciding whether to alert again
  Alert alert;
};

// A finding about an issue in a place (place "" = the whole district) tested over
// [window_start, now): the concern key "issue|place", its start and size, and the alert's detector,
// issue, place, window and test figures. The detector adds severity, rule, title, summary, evidence
// and series.
inline Finding issue_place_finding(const char* detector, const Key& key, UnixSeconds window_start, UnixSeconds now,
                                   double observed, double expected, double p_value, double size) {
  Finding f;
  f.key = key.issue + "|" + key.place;
  f.concern_start = window_start;
  f.size = size;
  Alert& a = f.alert;
  a.detector = detector;
  a.issue = key.issue;
  a.place = key.place;
  a.window_start = window_start;
  a.window_end = now;
  a.observed = observed;
  a.expected = expected;
  a.p_value = p_value;
  return f;
}

// An answer that settles earlier alerts: open alerts about `issue` (in `place`, or anywhere when
// place is "") fired before `at` are closed with `reason`.
struct Closure {
  std::string issue;
  std::string place;
  UnixSeconds at = 0;
  std::string reason;
};

// Issue-wide findings (place "") that a place-level finding of the same issue explains — the place
// holds at least half of it — are that place's concern, not a second alert; the others go to `out`.
inline void keep_unexplained(std::vector<Finding> issue_level, const std::vector<Finding>& place_level,
                             std::vector<Finding>& out) {
  for (auto& f : issue_level) {
    bool explained = false;
    for (const auto& p : place_level) explained = explained || (p.alert.issue == f.alert.issue && p.size * 2 >= f.size);
    if (!explained) out.push_back(std::move(f));
  }
}

class Detector {
 public:
  virtual ~Detector() = default;
  virtual const char* name() const = 0;
  virtual bool enabled(const AlertsConfig& config) const = 0;
  virtual void detect(const DetectorContext& ctx, std::vector<Finding>& out) const = 0;
  // Answers seen in the last hour that close alerts (an official clarification of a rumour).
  virtual void resolve(const DetectorContext&, std::vector<Closure>&) const {}
  // Fires on single documents (a watch-list term, a story crossing sites), so `alert run` also
  // evaluates it on the hour in progress (Engine::evaluate_immediate) instead of only on complete
  // hours. The statistical detectors test hourly series against hour-of-week baselines: not immediate.
  virtual bool immediate() const { return false; }
};

// Every detector, in the order they are evaluated (detectors/registry.cc).
const std::vector<const Detector*>& all_detectors();

}  // namespace yuqing::alerts
