#include "core/time.h"

#include <atomic>
#include <chrono>
#include <cstdio>

namespace yuqing {
namespace {

std::atomic<int> g_local_offset_minutes{8 * 60};  // China Standard Time until the config says otherwise

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Civil to_civil(UnixSeconds t) {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds{std::chrono::seconds{t}});
  const std::chrono::year_month_day ymd{days};
  const auto secs = t - std::chrono::duration_cast<std::chrono::seconds>(days.time_since_epoch()).count();
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), unsigned(secs / 3600),
          unsigned(secs % 3600 / 60), unsigned(secs % 60)};
}

bool read_digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

UnixSeconds now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int local_offset_minutes() { return g_local_offset_minutes.load(std::memory_order_relaxed); }

void set_local_offset_minutes(int minutes) { g_local_offset_minutes.store(minutes, std::memory_order_relaxed); }

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  const std::chrono::sys_days d = std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day};
  return d.time_since_epoch().count();
}

CivilDate civil_from_days(std::int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())};
}

std::string format_day(std::int64_t days) {
  const CivilDate c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

int weekday_from_monday(std::int64_t days) { return int(((days + 3) % 7 + 7) % 7); }

std::int64_t local_day(UnixSeconds t, int offset_minutes) { return floor_div(t + UnixSeconds(offset_minutes) * 60, 86400); }

int local_hour(UnixSeconds t, int offset_minutes) {
  const UnixSeconds local = t + UnixSeconds(offset_minutes) * 60;
  return int((local - floor_div(local, 86400) * 86400) / 3600);
}

std::int64_t iso_week1_monday(int iso_year) {
  const std::int64_t jan4 = days_from_civil(iso_year, 1, 4);
  return jan4 - weekday_from_monday(jan4);
}

void iso_week_of_day(std::int64_t days, int& iso_year, int& iso_week) {
  iso_year = civil_from_days(days).year;
  if (days < iso_week1_monday(iso_year)) --iso_year;
  else if (days >= iso_week1_monday(iso_year + 1)) ++iso_year;
  iso_week = int((days - iso_week1_monday(iso_year)) / 7 + 1);
}

std::string format_iso8601(UnixSeconds t, int offset_minutes) {
  const Civil c = to_civil(t + offset_minutes * 60);
  char buf[40];
  if (offset_minutes == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour, c.minute, c.second);
  } else {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u%c%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  }
  return buf;
}

std::string format_clickhouse_utc(UnixSeconds t) {
  const Civil c = to_civil(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u:%02u", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string format_rfc5322(UnixSeconds t, int offset_minutes) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil c = to_civil(t + UnixSeconds(offset_minutes) * 60);
  const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02u:%02u:%02u %c%02d%02d", kDays[weekday_from_monday(local_day(t, offset_minutes))],
                c.day, kMonths[c.month - 1], c.year, c.hour, c.minute, c.second, offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

namespace {

// ISO 8601 text; a text without an offset is at `default_offset` minutes.
std::optional<UnixSeconds> parse_at(std::string_view s, int default_offset) {
  size_t p = 0;
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!read_digits(s, p, 4, y) || !expect(s, p, '-') || !read_digits(s, p, 2, mo) || !expect(s, p, '-') ||
      !read_digits(s, p, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != ' ') return std::nullopt;
    ++p;
    if (!read_digits(s, p, 2, h) || !expect(s, p, ':') || !read_digits(s, p, 2, mi)) return std::nullopt;
    if (expect(s, p, ':') && !read_digits(s, p, 2, se)) return std::nullopt;
    if (expect(s, p, '.') || expect(s, p, ',')) {
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    }
  }
  if (h > 23 || mi > 59 || se > 60) return std::nullopt;
  int offset = default_offset;
  if (p < s.size()) {
    if (s[p] == 'Z' || s[p] == 'z') {
      ++p;
      offset = 0;
    } else if (s[p] == '+' || s[p] == '-') {
      const int sign = s[p] == '-' ? -1 : 1;
      ++p;
      int oh, om = 0;
      if (!read_digits(s, p, 2, oh)) return std::nullopt;
      expect(s, p, ':');
      if (p < s.size() && !read_digits(s, p, 2, om)) return std::nullopt;
      offset = sign * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (p != s.size()) return std::nullopt;
  return days_from_civil(y, unsigned(mo), unsigned(d)) * 86400 + h * 3600 + mi * 60 + se - offset * 60;
}

}  // namespace

std::optional<UnixSeconds> parse_iso8601(std::string_view text) { return parse_at(text, 0); }

std::optional<UnixSeconds> parse_iso8601_local(std::string_view text, int offset_minutes) { return parse_at(text, offset_minutes); }

}  // namespace yuqing
