// Engine: runs every detector hour by hour and turns findings into alerts — ids, routing to the
// responsible units, de-duplication and closing.
//
// Contract
// - evaluate(facts, now) runs the enabled detectors (alerts/detector.h) at the end of the hour
//   `now` and returns the alerts raised and the alerts closed in that hour, in a stable order.
// - De-duplication: a concern (issue x place, a story, a unit's messages) forms an episode while
//   findings keep coming (gaps under routing.episode_gap_hours). An episode alerts once; again only
//   when a detector's measure grows by routing.regrow_factor since its last alert, or when a finding
//   is more severe than any before in the episode. A volume spike and a negative surge of the same
//   issue x place are one concern, as are a watch term and a fast story of the same story.
// - Ids: the first alert of an episode is make_alert_id(detector, key, concern start to the hour); a
//   regrowth alert uses the hour it fired. Replaying the same hours over the same facts raises the
//   same ids.
// - Routing: departments = AlertsConfig::units_for(issue, place, the alert's documents) — for an
//   issue shared by trade, the units of the sectors its documents name — unless the detector named
//   its unit (unanswered messages, slow replies).
// - Closing: Detector::resolve() answers (an official clarification) close the open alerts of their
//   issue and place fired before them, by "yuqing" with the reason.
// - The engine remembers what it raised (alerts()); seed it with stored alerts so that a restarted
//   `alert run` continues their episodes instead of alerting again. A stored alert's episode is
//   last seen at the end of the hour it belongs to (its window_end rounded up to the hour).
// - Immediate evaluation (evaluate_immediate): the detectors that fire on single documents (watch
//   terms, fast stories; Detector::immediate) run on the hour in progress, over the documents
//   published before `at`, exactly as the full evaluation of that hour will run them — same
//   episodes, and ids that depend on the hour's end, not on `at` — so the full evaluation raises
//   the same ids again from the same documents (storage and the outbox add nothing the second time).
//   It changes nothing in the engine: the full evaluation decides the episodes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/alert.h"
#include "alerts/config.h"
#include "alerts/facts.h"

namespace yuqing::alerts {

class Engine {
 public:
  explicit Engine(const AlertsConfig& config, std::vector<Alert> history = {});

  void evaluate(const FactSet& facts, UnixSeconds now, std::vector<Alert>& raised, std::vector<Alert>& closed);
  // `facts` must hold only documents published before `at` (load them up to `at`). Returns the
  // alerts the immediate detectors raise in the hour ending after `at` so far, with fired_at and
  // window_end `at`; closing (official clarifications) is left to the full evaluation.
  std::vector<Alert> evaluate_immediate(const FactSet& facts, UnixSeconds at) const;
  const std::vector<Alert>& alerts() const { return alerts_; }

 private:
  struct Episode {
    UnixSeconds last_seen = 0;
    int max_severity = -1;
    std::map<std::string, double> last_size;  // detector -> measure at its last alert (or first sight)
  };

  enum class Scope { all, immediate };
  void run(const FactSet& facts, UnixSeconds now, Scope scope, std::vector<Alert>& raised, std::vector<Alert>& closed);

  const AlertsConfig& config_;
  std::vector<Alert> alerts_;
  std::map<std::string, Episode> episodes_;
};

// Hours from `from` to `to` (both rounded down to the hour), as replay visits them.
std::vector<UnixSeconds> replay_hours(UnixSeconds from, UnixSeconds to);
// The end of the hour `t` belongs to: t itself on an hour boundary (a full evaluation's fired_at),
// else the next full hour (an immediate alert's).
inline UnixSeconds hour_end_of(UnixSeconds t) { return (t + kHour - 1) / kHour * kHour; }

}  // namespace yuqing::alerts
