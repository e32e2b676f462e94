// Time helpers. Internally every instant is Unix seconds (UTC); text forms are produced and
// parsed only here so that every stage agrees on them.
//
// Local time. Every calendar question the pipeline asks — which day a document belongs to, which
// hour (quiet hours), which ISO week (reports), what a date written without an offset on a page
// means — is answered at ONE fixed UTC offset: the district's, `time.utc_offset_minutes` in
// configs/pipeline.yaml (480: China Standard Time, which has no daylight saving, so a fixed offset
// is exact). It is a process-wide setting read through local_offset_minutes() rather than a
// parameter threaded through every stage because it is a fact of the deployment, not of a call:
// the CLI sets it once at start-up from the loaded config (cli/main.cc, Context::start), before
// any worker thread exists, and everything afterwards only reads it. Until then it is 480, so
// tests and tools that load no config see China time. Helpers that answer a local question take
// the offset as a defaulted parameter, for the callers that must use another one (alerts.yaml's
// own utc_offset_minutes, a page extractor told a site's zone, a test).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yuqing {

using UnixSeconds = std::int64_t;

UnixSeconds now_seconds();

// The district's UTC offset in minutes (see above); 480 until set.
int local_offset_minutes();
// Sets it (start-up only); the config validates the range, -14 h to +14 h.
void set_local_offset_minutes(int minutes);

// ISO 8601 with an explicit offset, e.g. "2022-06-18T10:30:00+08:00" (local time by default,
// because analysts read local time); "Z" at offset 0.
std::string format_iso8601(UnixSeconds t, int offset_minutes = local_offset_minutes());

// Accepts "YYYY-MM-DDThh:mm[:ss][.fff](Z|±hh:mm|±hhmm)", "YYYY-MM-DD hh:mm:ss" and "YYYY-MM-DD";
// a text without an offset is taken as UTC.
std::optional<UnixSeconds> parse_iso8601(std::string_view text);
// The same forms, but a text without an offset is local time at `offset_minutes`.
std::optional<UnixSeconds> parse_iso8601_local(std::string_view text, int offset_minutes = local_offset_minutes());

// The form ClickHouse's DateTime('UTC') columns read and write: "YYYY-MM-DD hh:mm:ss".
std::string format_clickhouse_utc(UnixSeconds t);

// RFC 5322 (mail Date:, RSS pubDate): "Thu, 05 Nov 2026 09:30:00 +0800", independent of the locale.
std::string format_rfc5322(UnixSeconds t, int offset_minutes = local_offset_minutes());

// Day numbers: days since 1970-01-01 (a Thursday) of the proleptic Gregorian calendar.
struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
std::int64_t days_from_civil(int year, unsigned month, unsigned day);
CivilDate civil_from_days(std::int64_t days);  // the inverse
std::string format_day(std::int64_t days);     // "YYYY-MM-DD"
int weekday_from_monday(std::int64_t days);    // 0 Monday .. 6 Sunday

// The local day number and hour of an instant.
std::int64_t local_day(UnixSeconds t, int offset_minutes = local_offset_minutes());
int local_hour(UnixSeconds t, int offset_minutes = local_offset_minutes());

// ISO 8601 weeks (Monday first; week 1 holds 4 January).
std::int64_t iso_week1_monday(int iso_year);  // day number of the Monday of week 1
void iso_week_of_day(std::int64_t days, int& iso_year, int& iso_week);

}  // namespace yuqing
