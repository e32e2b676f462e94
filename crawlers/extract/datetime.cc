#include "crawlers/extract/datetime.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>

namespace yuqing::crawlers {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Hand-written scanner rather than std::regex: this runs over whole pages on the crawl's hot
// path, and std::regex is slow and recursive on long inputs.
class Scanner {
 public:
  // `zone_seconds`: the UTC offset of a time written without one.
  Scanner(std::string_view s, size_t i, int zone_seconds) : s_(s), i_(i), zone_(zone_seconds) {}
  int zone() const { return zone_; }
  size_t pos() const { return i_; }
  void set(size_t i) { i_ = i; }
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

  void spaces() {
    for (;;) {
      if (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
        ++i_;
      } else if (s_.substr(i_, 2) == "\xC2\xA0") {
        i_ += 2;
      } else if (s_.substr(i_, 3) == "\u3000") {
        i_ += 3;
      } else {
        return;
      }
    }
  }
  bool eat(std::string_view token) {
    if (s_.substr(i_, token.size()) != token) return false;
    i_ += token.size();
    return true;
  }
  // Index+1 of the token eaten, 0 if none.
  int eat_any(std::initializer_list<std::string_view> tokens) {
    int k = 1;
    for (std::string_view t : tokens) {
      if (eat(t)) return k;
      ++k;
    }
    return 0;
  }
  // 1..max_digits digits not followed by another digit.
  std::optional<int> number(int max_digits) {
    size_t j = i_;
    int v = 0;
    while (j < s_.size() && is_digit(s_[j]) && int(j - i_) < max_digits) v = v * 10 + (s_[j++] - '0');
    if (j == i_ || (j < s_.size() && is_digit(s_[j]))) return std::nullopt;
    i_ = j;
    return v;
  }
  // A day: 1-2 digits, or exactly two glued to a two-digit clock ("0812:00", the text of two
  // adjacent elements joined without a space); `glued` says which.
  std::optional<int> day(bool& glued) {
    glued = false;
    if (auto d = number(2)) return d;
    if (i_ + 4 < s_.size() && is_digit(s_[i_]) && is_digit(s_[i_ + 1]) && is_digit(s_[i_ + 2]) && is_digit(s_[i_ + 3]) &&
        (s_[i_ + 4] == ':' || s_.substr(i_ + 4, 3) == "：")) {
      glued = true;
      const int d = (s_[i_] - '0') * 10 + (s_[i_ + 1] - '0');
      i_ += 2;
      return d;
    }
    return std::nullopt;
  }
  std::string_view word() {
    size_t j = i_;
    while (j < s_.size() && is_alpha(s_[j])) ++j;
    std::string_view w = s_.substr(i_, j - i_);
    i_ = j;
    return w;
  }

 private:
  std::string_view s_;
  size_t i_;
  int zone_;
};

struct Clock {
  int hour = 0, minute = 0, second = 0;
  std::optional<int> offset_seconds;  // from an explicit zone, else the scanner's
};

std::optional<UnixSeconds> to_unix(int year, int month, int day, const Clock& c, int zone_seconds) {
  if (year < 1970 || year > 2099 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  // No 30 February: the day must exist in its month.
  if (civil_from_days(days_from_civil(year, unsigned(month), unsigned(day))).month != unsigned(month)) return std::nullopt;
  if (c.hour > 23 || c.minute > 59 || c.second > 60) return std::nullopt;
  return days_from_civil(year, unsigned(month), unsigned(day)) * 86400 + c.hour * 3600 + c.minute * 60 + c.second -
         c.offset_seconds.value_or(zone_seconds);
}

// Optional time after a date: [ |T] hh(:|：|时|点)mm[(:|：|分)ss][秒|分][.fff][Z|±hh[:]mm].
Clock read_clock(Scanner& sc) {
  Clock c;
  const size_t start = sc.pos();
  sc.spaces();
  sc.eat("T");
  sc.spaces();
  const auto hour = sc.number(2);
  if (!hour) return sc.set(start), c;
  sc.spaces();
  if (!sc.eat_any({":", "：", "时", "点"})) return sc.set(start), c;
  sc.spaces();
  const auto minute = sc.number(2);
  // "25:30" is a score or a duration, not a clock: the date stands alone.
  if (!minute || *hour > 23 || *minute > 59) return sc.set(start), c;
  c.hour = *hour;
  c.minute = *minute;
  size_t after = sc.pos();
  if (sc.eat_any({":", "：", "分"})) {
    if (const auto second = sc.number(2)) {
      c.second = *second;
      sc.eat("秒");
      after = sc.pos();
    } else {
      after = sc.pos();  // "10时30分" ends with 分
    }
  }
  sc.set(after);
  // "5:54:13 AM" / "12:05 pm": a 12-hour clock.
  {
    const size_t before_half = sc.pos();
    sc.spaces();
    const int half = sc.eat_any({"AM", "am", "A.M.", "a.m.", "PM", "pm", "P.M.", "p.m."});
    if (half && c.hour >= 1 && c.hour <= 12 && (sc.done() || !is_alpha(sc.peek()))) {
      if (half <= 4 && c.hour == 12) c.hour = 0;
      if (half > 4 && c.hour != 12) c.hour += 12;
      return c;
    }
    sc.set(before_half);
  }
  if (sc.eat(".")) {
    while (!sc.done() && sc.number(9)) {
    }
  }
  after = sc.pos();
  if (sc.eat("Z")) {
    c.offset_seconds = 0;
  } else if (int sign = sc.eat_any({"+", "-"})) {
    const auto hh = sc.number(2);
    sc.eat(":");
    const auto mm = sc.number(2);
    if (hh && *hh <= 14) {
      c.offset_seconds = (sign == 1 ? 1 : -1) * (*hh * 3600 + mm.value_or(0) * 60);
    } else {
      sc.set(after);
    }
  }
  return c;
}

// yyyy(-|/|.|年)m(-|/|.|月)d[日|号][time] at the scanner (which sits on the first year digit).
std::optional<UnixSeconds> numeric_date(Scanner& sc) {
  const auto year = sc.number(4);
  if (!year || *year < 1970) return std::nullopt;
  sc.spaces();
  const int sep = sc.eat_any({"-", "/", ".", "年"});
  if (!sep) return std::nullopt;
  sc.spaces();
  const auto month = sc.number(2);
  if (!month) return std::nullopt;
  sc.spaces();
  static constexpr std::array<std::string_view, 4> kSecond = {"-", "/", ".", "月"};
  if (!sc.eat(kSecond[size_t(sep - 1)])) return std::nullopt;
  // A magazine issue, "1998年3月号": the month only; its first day stands for it.
  if (sep == 4 && sc.eat("号")) return to_unix(*year, *month, 1, Clock{}, sc.zone());
  sc.spaces();
  bool glued = false;
  const auto day = sc.day(glued);
  if (!day) return std::nullopt;
  if (sep == 4 && !glued) sc.eat_any({"日", "号"});
  const size_t before_clock = sc.pos();
  const Clock clock = read_clock(sc);
  if (glued && sc.pos() == before_clock) return std::nullopt;  // "20220618" pieces, not a date and a clock
  return to_unix(*year, *month, *day, clock, sc.zone());
}

// US order "9/17/2004 5:54:13 AM": m/d/yyyy with a four-digit year and an optional clock; read
// as d/m/yyyy only when the first number cannot be a month ("17/9/2004").
std::optional<UnixSeconds> slash_date_year_last(Scanner& sc) {
  const auto first = sc.number(2);
  if (!first || !sc.eat("/")) return std::nullopt;
  const auto second = sc.number(2);
  if (!second || !sc.eat("/")) return std::nullopt;
  const auto year = sc.number(4);
  if (!year || *year < 1970) return std::nullopt;
  const Clock clock = read_clock(sc);
  const bool day_first = *first > 12 && *second <= 12;
  return to_unix(*year, day_first ? *second : *first, day_first ? *first : *second, clock, sc.zone());
}

int month_from_name(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kNames = {"january", "february", "march",     "april",
                                                              "may",     "june",     "july",      "august",
                                                              "september", "october", "november", "december"};
  if (w.size() < 3) return 0;
  for (size_t m = 0; m < kNames.size(); ++m) {
    const std::string_view name = kNames[m];
    if (w.size() > name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < w.size() && same; ++k) same = std::tolower(static_cast<unsigned char>(w[k])) == name[k];
    // Full names, or the three-letter abbreviation ("Sept" too).
    if (same && (w.size() == name.size() || w.size() == 3 || (m == 8 && w.size() == 4))) return int(m) + 1;
  }
  return 0;
}

bool is_weekday_name(std::string_view w) {
  static constexpr std::array<std::string_view, 7> kNames = {"monday", "tuesday", "wednesday", "thursday",
                                                             "friday", "saturday", "sunday"};
  if (w.size() < 3) return false;
  for (std::string_view name : kNames) {
    if (w.size() != 3 && w.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < w.size() && same; ++k) same = std::tolower(static_cast<unsigned char>(w[k])) == name[k];
    if (same) return true;
  }
  return false;
}

// "June 18, 2022" / "Jun. 18 2022" / "Jun 18 Sat 2022" at a word start.
std::optional<UnixSeconds> english_month_first(Scanner& sc) {
  const int month = month_from_name(sc.word());
  if (!month) return std::nullopt;
  sc.eat(".");
  sc.spaces();
  const auto day = sc.number(2);
  if (!day) return std::nullopt;
  sc.eat_any({"st", "nd", "rd", "th"});
  sc.eat(",");
  sc.spaces();
  // A weekday between the day and the year (blog headers: "Dec 28 Sat 2013").
  const size_t before_weekday = sc.pos();
  if (is_weekday_name(sc.word())) {
    sc.eat(".");
    sc.eat(",");
    sc.spaces();
  } else {
    sc.set(before_weekday);
  }
  const auto year = sc.number(4);
  if (!year) return std::nullopt;
  return to_unix(*year, month, *day, Clock{}, sc.zone());
}

// "18 June 2022" at a digit.
std::optional<UnixSeconds> english_day_first(Scanner& sc) {
  const auto day = sc.number(2);
  if (!day) return std::nullopt;
  sc.spaces();
  const int month = month_from_name(sc.word());
  if (!month) return std::nullopt;
  sc.eat(".");
  sc.eat(",");
  sc.spaces();
  const auto year = sc.number(4);
  if (!year) return std::nullopt;
  return to_unix(*year, month, *day, Clock{}, sc.zone());
}

// The date of `t` on the scanner's local days.
void civil_from_unix(UnixSeconds t, int zone_seconds, int& year, int& month, int& day) {
  const CivilDate c = civil_from_days(local_day(t, zone_seconds / 60));
  year = c.year;
  month = int(c.month);
  day = int(c.day);
}

// "6月18日 10:30" or "06-18 10:30" (the latter only with a time: bare "06-18" is too often a
// score or a range); the year is the latest that puts the day not after `bound` + 1 day.
std::optional<UnixSeconds> yearless_date(Scanner& sc, UnixSeconds bound) {
  const auto month = sc.number(2);
  if (!month) return std::nullopt;
  const int sep = sc.eat_any({"月", "-", "/"});
  if (!sep) return std::nullopt;
  bool glued = false;
  const auto day = sc.day(glued);
  if (!day) return std::nullopt;
  if (sep == 1 && (glued || !sc.eat_any({"日", "号"}))) return std::nullopt;
  const size_t before_clock = sc.pos();
  const Clock clock = read_clock(sc);
  if (sep != 1 && sc.pos() == before_clock) return std::nullopt;
  int year = 0, m = 0, d = 0;
  civil_from_unix(bound, sc.zone(), year, m, d);
  auto t = to_unix(year, *month, *day, clock, sc.zone());
  if (t && *t > bound + 86400) t = to_unix(year - 1, *month, *day, clock, sc.zone());
  return t;
}

// 刚刚, N秒/分钟/小时/天/周前, 昨天/前天/今天 [hh:mm], "N minutes|hours|days ago".
std::optional<UnixSeconds> relative_time(Scanner& sc, UnixSeconds now) {
  if (sc.eat("刚刚")) return now;
  if (const int which = sc.eat_any({"今天", "昨天", "前天"})) {
    int year = 0, month = 0, day = 0;
    civil_from_unix(now, sc.zone(), year, month, day);
    const size_t before_clock = sc.pos();
    const Clock clock = read_clock(sc);
    const auto midnight = to_unix(year, month, day, Clock{}, sc.zone());
    if (!midnight) return std::nullopt;
    const UnixSeconds day_start = *midnight - (which - 1) * 86400;
    // Without a clock the day is all we know; its start is the honest lower bound.
    return sc.pos() == before_clock ? day_start : day_start + clock.hour * 3600 + clock.minute * 60 + clock.second;
  }
  const auto n = sc.number(4);
  if (!n) return std::nullopt;
  sc.spaces();
  static constexpr std::array<int, 5> kUnit = {1, 60, 3600, 86400, 7 * 86400};
  if (const int unit = sc.eat_any({"秒前", "分钟前", "小时前", "天前", "周前"})) return now - UnixSeconds(*n) * kUnit[size_t(unit - 1)];
  const std::string_view w = sc.word();
  int seconds = 0;
  if (w == "second" || w == "seconds") seconds = 1;
  if (w == "minute" || w == "minutes" || w == "min" || w == "mins") seconds = 60;
  if (w == "hour" || w == "hours") seconds = 3600;
  if (w == "day" || w == "days") seconds = 86400;
  if (!seconds) return std::nullopt;
  sc.spaces();
  if (sc.word() != "ago") return std::nullopt;
  return now - UnixSeconds(*n) * seconds;
}

// The first date-time at or after byte `from` of `text` (ASCII digits).
std::optional<DateMatch> scan_from(std::string_view text, const DateReference& ref, size_t from) {
  const std::optional<UnixSeconds> now = ref.now;
  std::optional<UnixSeconds> bound = ref.latest ? ref.latest : now;
  if (ref.latest && now) bound = std::min(*ref.latest, *now);
  const int zone = ref.offset_minutes * 60;
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    const bool word_start = i == 0 || !(is_digit(text[i - 1]) || is_alpha(text[i - 1]));
    Scanner sc(text, i, zone);
    auto found = [&](std::optional<UnixSeconds> t) -> std::optional<DateMatch> {
      if (!t) return std::nullopt;
      return DateMatch{i, sc.pos(), *t};
    };
    if (is_digit(c) && word_start) {
      if (auto m = found(numeric_date(sc))) return m;
      sc.set(i);
      if (auto m = found(slash_date_year_last(sc))) return m;
      sc.set(i);
      if (auto m = found(english_day_first(sc))) return m;
      if (bound) {
        sc.set(i);
        if (auto m = found(yearless_date(sc, *bound))) return m;
      }
      if (now) {
        sc.set(i);
        if (auto m = found(relative_time(sc, *now))) return m;
      }
    } else if (is_alpha(c) && word_start) {
      if (auto m = found(english_month_first(sc))) return m;
    } else if (now && (c == '\xE5' || c == '\xE4' || c == '\xE6')) {  // lead bytes of 刚 今 昨 前
      if (auto m = found(relative_time(sc, *now))) return m;
    }
  }
  return std::nullopt;
}

bool has_full_width_digit(std::string_view text) {
  for (size_t i = text.find("\xEF\xBC"); i != std::string_view::npos; i = text.find("\xEF\xBC", i + 1))
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i + 2]) >= 0x90 && static_cast<unsigned char>(text[i + 2]) <= 0x99)
      return true;
  return false;
}

std::optional<UnixSeconds> scan(std::string_view text, const DateReference& ref) {
  if (has_full_width_digit(text)) {
    const std::string ascii = ascii_digits(text);
    const auto m = scan_from(ascii, ref, 0);
    return m ? std::optional<UnixSeconds>(m->at) : std::nullopt;
  }
  const auto m = scan_from(text, ref, 0);
  return m ? std::optional<UnixSeconds>(m->at) : std::nullopt;
}

}  // namespace

std::string ascii_digits(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    // U+FF10..U+FF19 (０..９) are EF BC 90..99; U+FF1A (：) and U+FF0F (／) stay as they are.
    if (text[i] == '\xEF' && i + 2 < text.size() && text[i + 1] == '\xBC' &&
        static_cast<unsigned char>(text[i + 2]) >= 0x90 && static_cast<unsigned char>(text[i + 2]) <= 0x99) {
      out += char('0' + (static_cast<unsigned char>(text[i + 2]) - 0x90));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<DateMatch> find_datetimes(std::string_view text, const DateReference& ref, size_t max) {
  std::vector<DateMatch> out;
  size_t from = 0;
  while (out.size() < max) {
    const auto m = scan_from(text, ref, from);
    if (!m) break;
    out.push_back(*m);
    from = std::max(m->end, m->pos + 1);
  }
  return out;
}

std::optional<UnixSeconds> find_datetime(std::string_view text) { return scan(text, DateReference{}); }

std::optional<UnixSeconds> find_datetime(std::string_view text, UnixSeconds now) { return scan(text, DateReference{now, {}}); }

std::optional<UnixSeconds> find_datetime(std::string_view text, const DateReference& ref) { return scan(text, ref); }

std::optional<UnixSeconds> parse_datetime_value(std::string_view value, int offset_minutes) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\n' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\n' || value.back() == '\t')) value.remove_suffix(1);
  bool all_digits = !value.empty();
  for (char c : value) all_digits = all_digits && is_digit(c);
  if (all_digits && (value.size() == 10 || value.size() == 13)) {
    UnixSeconds t = 0;
    for (char c : value) t = t * 10 + (c - '0');
    return value.size() == 13 ? t / 1000 : t;
  }
  return scan(value, DateReference{std::nullopt, std::nullopt, offset_minutes});
}

}  // namespace yuqing::crawlers
