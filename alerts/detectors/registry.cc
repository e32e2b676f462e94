// Every detector, one line each, in evaluation order.
#include "alerts/detector.h"

namespace yuqing::alerts {

const Detector& volume_spike_detector();
const Detector& negative_surge_detector();
const Detector& watch_terms_detector();
const Detector& fast_story_detector();
const Detector& unanswered_detector();
const Detector& slow_reply_detector();
const Detector& rumour_detector();

const std::vector<const Detector*>& all_detectors() {
  static const std::vector<const Detector*> detectors = {
      &rumour_detector(),
      &volume_spike_detector(),
      &negative_surge_detector(),
      &watch_terms_detector(),
      &fast_story_detector(),
      &unanswered_detector(),
      &slow_reply_detector(),
  };
  return detectors;
}

}  // namespace yuqing::alerts
