// Time helpers. Internally every instant is Unix seconds (UTC); text forms are produced and
// parsed only here so that every stage agrees on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yuqing {

using UnixSeconds = std::int64_t;

UnixSeconds now_seconds();

// ISO 8601 with an explicit offset, e.g. "2022-06-18T10:30:00+08:00" (China Standard Time by default,
// because the documents are Chinese and analysts read local time).
std::string format_iso8601(UnixSeconds t, int offset_minutes = 8 * 60);

// Accepts "YYYY-MM-DDThh:mm[:ss][.fff](Z|±hh:mm|±hhmm)" and "YYYY-MM-DD hh:mm:ss" (taken as UTC).
std::optional<UnixSeconds> parse_iso8601(std::string_view text);

// The form ClickHouse's DateTime('UTC') columns read and write: "YYYY-MM-DD hh:mm:ss".
std::string format_clickhouse_utc(UnixSeconds t);

// Days since 1970-01-01 for a civil date (proleptic Gregorian), the building block for the above.
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

}  // namespace yuqing
