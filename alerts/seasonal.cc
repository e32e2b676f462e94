#include "alerts/seasonal.h"

#include <algorithm>

namespace yuqing::alerts {

namespace {
// 1970-01-01 was a Thursday: day index 0 = Monday.
int local_weekday(UnixSeconds local) { return int((((local / kDay) % 7) + 7 + 3) % 7); }
int local_hod(UnixSeconds local) { return int(((local % kDay) + kDay) % kDay / kHour); }
}  // namespace

SeasonalProfile::SeasonalProfile(const FactSet& facts, UnixSeconds from, UnixSeconds to, int utc_offset_minutes)
    : offset_minutes_(utc_offset_minutes) {
  const UnixSeconds offset = UnixSeconds(utc_offset_minutes) * 60;
  std::array<double, 7> day_count{}, day_hours{};
  std::array<double, 24> hour_count{}, hour_hours{};
  from = from / kHour * kHour;
  for (UnixSeconds h = from; h < to; h += kHour) {
    day_hours[size_t(local_weekday(h + offset))] += 1;
    hour_hours[size_t(local_hod(h + offset))] += 1;
  }
  double total = 0;
  for (size_t i : facts.all_arrivals()) {
    const UnixSeconds t = facts.facts()[i].time;
    if (t < from || t >= to) continue;
    day_count[size_t(local_weekday(t + offset))] += 1;
    hour_count[size_t(local_hod(t + offset))] += 1;
    total += 1;
  }
  double hours = 0;
  for (double h : day_hours) hours += h;
  const double overall = hours > 0 ? (total + 1) / hours : 1;
  // Rates per factor relative to the overall rate, smoothed towards 1 by a pseudo-count of one
  // ordinary hour's worth of voices per cell (so an empty cell is small, never zero).
  for (size_t d = 0; d < 7; ++d)
    day_[d] = day_hours[d] > 0 ? (day_count[d] + overall * 24) / ((day_hours[d] + 24) * overall) : 1;
  for (size_t h = 0; h < 24; ++h)
    hour_[h] = hour_hours[h] > 0 ? (hour_count[h] + overall * 7) / ((hour_hours[h] + 7) * overall) : 1;
}

double SeasonalProfile::factor(UnixSeconds hour) const {
  const UnixSeconds local = hour + UnixSeconds(offset_minutes_) * 60;
  return day_[size_t(local_weekday(local))] * hour_[size_t(local_hod(local))];
}

double SeasonalProfile::mass(UnixSeconds from, UnixSeconds to) const {
  double m = 0;
  for (UnixSeconds h = from / kHour * kHour; h < to; h += kHour) m += factor(h);
  return m;
}

std::optional<SeasonalWindow> seasonal_window(const FactSet& facts, UnixSeconds now, int window_hours, int baseline_days,
                                              int cold_start_days, int utc_offset_minutes) {
  if (facts.facts().empty() || now - facts.first_time() < cold_start_days * kDay) return std::nullopt;
  SeasonalWindow w;
  w.now = now;
  w.window_start = now - window_hours * kHour;
  w.baseline_start = std::max(w.window_start - baseline_days * kDay, facts.first_time() / kHour * kHour);
  const SeasonalProfile profile(facts, w.baseline_start, w.window_start, utc_offset_minutes);
  w.baseline_mass = std::max(profile.mass(w.baseline_start, w.window_start), 1.0);
  w.window_mass = profile.mass(w.window_start, now);
  w.day_mass = profile.mass(now - kDay, now);
  return w;
}

size_t count_between(const FactSet& facts, const std::vector<size_t>& sorted, UnixSeconds from, UnixSeconds to) {
  auto time_of = [&](size_t i) { return facts.facts()[i].time; };
  auto lo = std::partition_point(sorted.begin(), sorted.end(), [&](size_t i) { return time_of(i) < from; });
  auto hi = std::partition_point(lo, sorted.end(), [&](size_t i) { return time_of(i) < to; });
  return size_t(hi - lo);
}

std::vector<size_t> between(const FactSet& facts, const std::vector<size_t>& sorted, UnixSeconds from, UnixSeconds to) {
  auto time_of = [&](size_t i) { return facts.facts()[i].time; };
  auto lo = std::partition_point(sorted.begin(), sorted.end(), [&](size_t i) { return time_of(i) < from; });
  auto hi = std::partition_point(lo, sorted.end(), [&](size_t i) { return time_of(i) < to; });
  return {lo, hi};
}

}  // namespace yuqing::alerts
