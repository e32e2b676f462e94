#include "core/time.h"

#include <chrono>
#include <cstdio>

namespace yuqing {
namespace {

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

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  const std::chrono::sys_days d = std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day};
  return d.time_since_epoch().count();
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

std::optional<UnixSeconds> parse_iso8601(std::string_view s) {
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
  int offset = 0;
  if (p < s.size()) {
    if (s[p] == 'Z' || s[p] == 'z') {
      ++p;
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

}  // namespace yuqing
