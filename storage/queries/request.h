// Query requests as text: the one place where parameter names and texts ("--since 30d" on the
// command line, "?since=30d" in the API) become the typed queries of queries.h, so `yuqing query`
// and `yuqing serve` accept, default and reject exactly the same things with the same messages.
//
// Contract
// - Params are (name, value) pairs in order; a filter name may repeat (all must hold). Names are
//   those of the CLI options without "--": issue category place site intent sentiment exact since
//   until tz, plus each query's own (by split | week limit | emerging recent baseline min-documents
//   limit | order limit | limit offset kind story keyword). An unknown or repeated non-filter name is invalid,
//   as is a bad value; the message names the parameter (Status invalid).
// - Defaults are the CLI's: since 30d for trend and docs, 7d for keywords and stories, none for
//   top-issues, whose week defaults to the current ISO week on China Standard Time.
// - *_from_params() only parse and check; nothing touches ClickHouse. resolve_filters() then maps
//   each filter value to the stored value an analyst means (queries::resolve_value) unless the
//   request said exact=true; the build_*() functions of queries.h validate once more before SQL.
// - table_json() is the JSON form of a result (numbers as numbers, Array(String) as arrays) that
//   `yuqing query --format json` prints and the API returns.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "storage/queries/queries.h"

namespace yuqing::queries {

using Params = std::vector<std::pair<std::string, std::string>>;

// What a request asked besides the query itself.
struct RequestOptions {
  bool exact = false;  // take filter values as given (no matching to stored values)
};

Status trend_from_params(const Params& p, UnixSeconds now, TrendQuery& q, RequestOptions& o);
Status top_issues_from_params(const Params& p, UnixSeconds now, TopIssuesQuery& q, RequestOptions& o);
Status keywords_from_params(const Params& p, UnixSeconds now, KeywordsQuery& q, RequestOptions& o);
Status stories_from_params(const Params& p, UnixSeconds now, StoriesQuery& q, RequestOptions& o);
Status docs_from_params(const Params& p, UnixSeconds now, DocsQuery& q, RequestOptions& o);

// Replaces each filter value by the stored value it names (see resolve_value); no-op when exact.
Status resolve_filters(clickhouse::Client& client, const RequestOptions& o, Common& c);

// One JSON object per row, keyed by column name.
nlohmann::json table_json(const Table& t);

}  // namespace yuqing::queries
