// Seasonal expectation of voices: how many new threads an issue in a place would bring in a window
// if nothing unusual happened, from its own history and the district's rhythm.
//
// Model: rate(hour) = level(key) x day_of_week(hour) x hour_of_day(hour), an hour-of-week profile
// factorised into 7 + 24 factors, estimated from all voices of the baseline period (a single key has
// far too few voices for 168 free hour-of-week cells). level = (key's voices in the baseline +
// prior) / the baseline's profile mass; expected(window) = level x the window's profile mass. So a
// Monday morning is compared with Monday mornings, and a night with nights.
#pragma once

#include <array>
#include <optional>

#include "alerts/facts.h"

namespace yuqing::alerts {

class SeasonalProfile {
 public:
  // Estimated from every voice arrival in [from, to) (local time for days and hours).
  SeasonalProfile(const FactSet& facts, UnixSeconds from, UnixSeconds to, int utc_offset_minutes);
  // Sum of the profile over the hours of [from, to): the "length" of a period in ordinary hours.
  double mass(UnixSeconds from, UnixSeconds to) const;
  double factor(UnixSeconds hour) const;

 private:
  std::array<double, 7> day_{};
  std::array<double, 24> hour_{};
  int offset_minutes_;
};

// What a seasonal count test needs at `now`: the tested window (the last `window_hours`), the
// baseline before it (`baseline_days`, not before the first fact) and their masses under the
// district's hour-of-week profile of that baseline.
struct SeasonalWindow {
  UnixSeconds baseline_start = 0, window_start = 0, now = 0;
  double baseline_mass = 1, window_mass = 0, day_mass = 0;  // day_mass: the last 24 hours'
  // Expected count in the window, and over the last day, for a key with `history` in the baseline
  // plus `prior` pseudo-counts.
  double expected(double history, double prior) const { return (history + prior) / baseline_mass * window_mass; }
  double expected_per_day(double history, double prior) const { return (history + prior) / baseline_mass * day_mass; }
};
// nullopt while the facts cover less than `cold_start_days` (no baseline worth testing against).
std::optional<SeasonalWindow> seasonal_window(const FactSet& facts, UnixSeconds now, int window_hours, int baseline_days,
                                              int cold_start_days, int utc_offset_minutes);

// Count of indices (sorted by time in `facts`) with time in [from, to).
size_t count_between(const FactSet& facts, const std::vector<size_t>& sorted, UnixSeconds from, UnixSeconds to);
// The indices themselves.
std::vector<size_t> between(const FactSet& facts, const std::vector<size_t>& sorted, UnixSeconds from, UnixSeconds to);

}  // namespace yuqing::alerts
