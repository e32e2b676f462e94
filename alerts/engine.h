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
// - Routing: departments = AlertsConfig::units_for(issue, place) unless the detector named its
//   unit (unanswered messages, slow replies).
// - Closing: Detector::resolve() answers (an official clarification) close the open alerts of their
//   issue and place fired before them, by "yuqing" with the reason.
// - The engine remembers what it raised (alerts()); seed it with stored alerts so that a restarted
//   `alert run` continues their episodes instead of alerting again.
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
  const std::vector<Alert>& alerts() const { return alerts_; }

 private:
  struct Episode {
    UnixSeconds last_seen = 0;
    int max_severity = -1;
    std::map<std::string, double> last_size;  // detector -> measure at its last alert (or first sight)
  };

  const AlertsConfig& config_;
  std::vector<Alert> alerts_;
  std::map<std::string, Episode> episodes_;
};

// Hours from `from` to `to` (both rounded down to the hour), as replay visits them.
std::vector<UnixSeconds> replay_hours(UnixSeconds from, UnixSeconds to);

}  // namespace yuqing::alerts
