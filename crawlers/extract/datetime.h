// Publish times as news pages write them, in Chinese and in ISO/English forms.
//
// Contract: pure functions over UTF-8 text; never throw; nullopt when nothing valid is found.
// A time without an offset is at DateReference::offset_minutes, by default the district's local
// time (core/time.h local_offset_minutes(), pipeline.yaml time.utc_offset_minutes; China Standard
// Time, UTC+8): the monitored sites write local time. An explicit offset ("Z", "+08:00", "-0500")
// is obeyed.
//
// Forms recognised (spaces between parts are allowed, full-width colons too):
//   absolute   2022年6月18日 10:30[:05]   2022-06-18T10:30:00+08:00   2022/6/18   2022.06.18 10:30
//              June 18, 2022 / 18 June 2022 / Jun. 18, 2022 / Jun 18 Sat 2022 (English month
//              names, a weekday name may sit between the day and the year; date only)
//   yearless   6月18日 10:30   06-18 10:30   (needs a reference: the most recent such day not
//              after reference + 1 day, so a January page that says 12月31日 means last year)
//   relative   刚刚  5分钟前  3小时前  2天前  昨天 10:30  前天 08:00  今天 09:15  3 hours ago
//              (needs `now`: relative to the fetch time, never to the clock)
//   US order   9/17/2004 5:54:13 AM (m/d/yyyy, four-digit year; d/m/yyyy only when the first number
//              exceeds 12); a 12-hour clock with AM/PM after any form above
//   month only 1998年3月号 (a magazine issue): the month's first day
//   full-width digits (２００５年３月１１日) read as ASCII ones
// A day that does not exist (2022-02-30) is no date.
// Digits in the middle of a longer number (a phone number, an id) are not taken as a year.
// A two-digit day glued to a two-digit clock ("10-0812:00", the text of <span>10-08</span>
// <span>12:00</span> joined) is read as the day and the clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace yuqing::crawlers {

// The first absolute date-time in `text` (relative and yearless forms are ignored: without a
// reference time they are meaningless).
std::optional<UnixSeconds> find_datetime(std::string_view text);

// The first date-time of any form above in `text`; relative and yearless forms resolve against
// `now` (the fetch time).
std::optional<UnixSeconds> find_datetime(std::string_view text, UnixSeconds now);

// References for the forms that need one.
struct DateReference {
  // The fetch time: relative forms ("昨天", "3小时前") and, without `latest`, yearless ones.
  std::optional<UnixSeconds> now;
  // An upper bound for the publish time known from the page itself (its modification time):
  // yearless dates take the most recent year that is not after it (nor after `now`).
  std::optional<UnixSeconds> latest;
  // The UTC offset assumed for a time written without one.
  int offset_minutes = local_offset_minutes();
};

// The first date-time of any form above in `text`, each form resolved against what `ref` has
// (a form whose reference is missing is skipped).
std::optional<UnixSeconds> find_datetime(std::string_view text, const DateReference& ref);

// Where a date-time sits in a text: bytes [pos, end) and the time it says.
struct DateMatch {
  size_t pos = 0;
  size_t end = 0;
  UnixSeconds at = 0;
};

// Every date-time of `text` (ASCII digits: see ascii_digits) in order, at most `max`; positions
// are byte offsets into `text`. For choosing among several dates on a page (metadata.h).
std::vector<DateMatch> find_datetimes(std::string_view text, const DateReference& ref, size_t max = 64);

// `text` with full-width digits (０..９) replaced by ASCII ones, everything else unchanged.
std::string ascii_digits(std::string_view text);

// A machine-readable value from a meta tag, JSON-LD or <time datetime>: ISO 8601 first (any
// offset, "Z", date only), then the free-text forms above; also Unix seconds/milliseconds.
std::optional<UnixSeconds> parse_datetime_value(std::string_view value, int offset_minutes = local_offset_minutes());

}  // namespace yuqing::crawlers
