// The analysts' queries over the stored documents: one library behind the CLI, the API and the
// reports.
//
// Contract
// - Every query takes a typed struct and is turned into SQL by a build_*() function that validates
//   it first (Status invalid names the bad parameter). Dimensions and granularities are enums, so
//   column names and SQL functions come from fixed tables here, never from the caller; filter
//   values and time zones are checked (no control characters, bounded length; zones match an IANA
//   name pattern) and enter the SQL only as string literals made by clickhouse::quote(). ClickHouse
//   18.16 has no server-side query parameters, so this is the binding.
// - Counts are exact: they are uniqExact over document ids, read from the rollups (rollup_hourly,
//   keyword_daily, stories: sets of ids merged at query time, see migration 002) or from documents
//   (LIMIT 1 BY id), so replays and unmerged parts never inflate them.
// - Times: the data is stored in UTC; a Window bound is either an instant or a local date-time read
//   in the query's time zone, and buckets (day, week, month) are local calendar units in that zone.
//   keyword_daily keeps UTC days.
// - run() returns a Table of strings with the column names and ClickHouse types, for any output
//   format. Nothing here retries; Status kinds are those of clickhouse::Client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "storage/clickhouse/client.h"

namespace yuqing::queries {

// Number of distinct stored documents (exact, whatever merges have or have not happened).
Status count_documents(clickhouse::Client& client, uint64_t& count);
extern const char* const kCountDocumentsSql;

struct GroupCount {
  std::string site;
  std::string kind;
  uint64_t documents = 0;
};
// Distinct documents per site and kind, largest first.
Status count_by_site_and_kind(clickhouse::Client& client, std::vector<GroupCount>& out);
extern const char* const kCountBySiteAndKindSql;

// What documents can be filtered and broken down by.
enum class Dimension { issue, category, place, site, intent, sentiment };
std::optional<Dimension> dimension_from_string(std::string_view name);
const char* to_string(Dimension d);

enum class Granularity { hour, day, week, month };
std::optional<Granularity> granularity_from_string(std::string_view name);

// A point in time: an instant, or a local "YYYY-MM-DD[ HH:MM[:SS]]" in the query's time zone.
struct TimeBound {
  std::optional<UnixSeconds> instant;
  std::string local;
};
// Parses "30d", "12h", "90m" (that long before `now`), "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]".
Status parse_time_bound(std::string_view text, UnixSeconds now, TimeBound& out);

// [since, until); an absent bound is open.
struct Window {
  std::optional<TimeBound> since;
  std::optional<TimeBound> until;
};

struct Filter {
  std::vector<std::pair<Dimension, std::string>> equals;  // all must hold
};

struct Common {
  Filter filter;
  Window window;
  std::string timezone = "Asia/Shanghai";
};

// Volume and negative share per time bucket, optionally split by one dimension.
struct TrendQuery {
  Common common;
  Granularity by = Granularity::day;
  std::optional<Dimension> split;
};

// Issues ranked by their week-over-week change in distinct documents.
struct TopIssuesQuery {
  Common common;         // the window is ignored: the week decides it
  int iso_year = 0;
  int iso_week = 0;
  int limit = 10;
};
// Parses "2026-W48" (ISO 8601 week). The week of a day is core/time.h iso_week_of_day().
Status parse_iso_week(std::string_view text, int& year, int& week);

// Top keywords in a window, or with `emerging`, the keywords whose daily rate in the last
// `recent_days` before `until` rose most over the `baseline_days` before them (add-one smoothed).
struct KeywordsQuery {
  Common common;         // only window.until (default: now) and, for top, window.since are used
  bool emerging = false;
  int recent_days = 7;
  int baseline_days = 28;
  int min_documents = 3;
  int limit = 20;
};

enum class StoryOrder { size, spread };
// Stories with documents in the window, ranked by their documents (distinct) or sites (distinct) in
// the window; first seen, first site, title, places and issues are the whole story's.
struct StoriesQuery {
  Common common;         // filters: issue and place only
  StoryOrder order = StoryOrder::size;
  int limit = 20;
};

// The documents behind a number: same filters and window, newest first; a page of `limit` rows
// (with the opening of each text as `snippet`, since comments and posts often have no title)
// after skipping `offset`. `kind` (article, comment, message, reply, post; "" = any) narrows the
// list only: the rollups behind the other queries do not keep the kind. `story` (a story id as
// build_stories returns it; "" = any) lists one story's documents, `keyword` ("" = any) the
// documents the keyword extractor gave that keyword (what build_keywords counts).
struct DocsQuery {
  Common common;
  int limit = 20;
  int offset = 0;
  std::string kind;
  std::string story;
  std::string keyword;
};

Status build_trend(const TrendQuery& q, std::string& sql);
Status build_top_issues(const TopIssuesQuery& q, std::string& sql);
Status build_keywords(const KeywordsQuery& q, std::string& sql);
Status build_stories(const StoriesQuery& q, std::string& sql);
Status build_docs(const DocsQuery& q, std::string& sql);

// A result: column names, ClickHouse types and rows, every cell as text.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::string> types;
  std::vector<std::vector<std::string>> rows;
};
// Runs SQL made by a build_*() function.
Status run(clickhouse::Client& client, const std::string& sql, Table& out);

// Finds the stored value of a dimension an analyst means: the exact value if stored, else the one
// stored value containing `wanted`, else the one containing its characters in order ("老旧小区改造"
// -> "老旧小区与棚户区改造"). Ambiguity or no match is invalid, naming the candidates.
Status resolve_value(clickhouse::Client& client, Dimension d, const std::string& wanted, std::string& stored);
// The matching rule of resolve_value over a list of stored values (exposed for tests).
Status match_value(const std::vector<std::string>& stored_values, Dimension d, const std::string& wanted,
                   std::string& stored);

}  // namespace yuqing::queries
