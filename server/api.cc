#include "server/api.h"

#include <algorithm>
#include <cctype>

#include "storage/alerts/store.h"
#include "core/time.h"

namespace yuqing::server {
namespace {

using nlohmann::json;

ApiReply reply(int status, json body) { return {status, std::move(body)}; }
ApiReply bad_request(const std::string& message) { return reply(400, {{"error", message}}); }

// The analysts' queries: parse and validate (request.h), match filter values, build, run.
template <typename Query, Status (*Parse)(const queries::Params&, UnixSeconds, Query&, queries::RequestOptions&),
          Status (*Build)(const Query&, std::string&)>
ApiReply query(clickhouse::Client& client, const ApiRequest& r) {
  Query q;
  queries::RequestOptions o;
  std::string sql;
  queries::Table table;
  Status s = Parse(r.params, now_seconds(), q, o);
  if (s) s = queries::resolve_filters(client, o, q.common);
  if (s) s = Build(q, sql);
  if (s) s = queries::run(client, sql, table);
  if (!s) return error_reply(s);
  json body = {{"rows", queries::table_json(table)}};
  // Paging: the page after this one, when this one is full.
  if constexpr (std::is_same_v<Query, queries::DocsQuery>) {
    body["limit"] = q.limit;
    body["offset"] = q.offset;
    body["next_offset"] = table.rows.size() == size_t(q.limit) ? json(q.offset + q.limit) : json(nullptr);
  }
  return reply(200, body);
}

Status no_params(const ApiRequest& r) {
  if (!r.params.empty()) return Status::invalid("unknown parameter '" + r.params.front().first + "'");
  return Status::ok();
}

ApiReply summary(clickhouse::Client& client, const ApiRequest& r) {
  if (Status s = no_params(r); !s) return error_reply(s);
  uint64_t total = 0;
  std::vector<queries::GroupCount> groups;
  Status s = queries::count_documents(client, total);
  if (s) s = queries::count_by_site_and_kind(client, groups);
  if (!s) return error_reply(s);
  json rows = json::array();
  for (const auto& g : groups) rows.push_back({{"site", g.site}, {"kind", g.kind}, {"documents", g.documents}});
  return reply(200, {{"documents", total}, {"by_site_and_kind", rows}});
}

// The newest row of each source (counters are cumulative within a crawler run); no parameters,
// so the SQL is a constant.
// (The inner select renames the columns: 18.16 resolves an alias equal to a column name to the
// alias, which nests the aggregates.)
constexpr const char* kCrawlHealthSql =
    "SELECT source, toString(max(t), 'Asia/Shanghai') AS updated, argMax(run, t) AS run_id,\n"
    "       argMax(f, t) AS fetched, argMax(nm, t) AS not_modified, argMax(d, t) AS documents,\n"
    "       argMax(rt, t) AS retries, argMax(fl, t) AS failed, argMax(rd, t) AS robots_disallowed,\n"
    "       argMax(fr, t) AS failed_reasons, ifNull(toString(argMax(ls, t), 'Asia/Shanghai'), '') AS last_success,\n"
    "       toUInt64(ifNull(toUInt32(now()) - toUInt32(argMax(ls, t)), 0)) AS seconds_since_success\n"
    "FROM (SELECT source, time AS t, run_id AS run, fetched AS f, not_modified AS nm, documents AS d, retries AS rt,\n"
    "             failed AS fl, robots_disallowed AS rd, failed_reasons AS fr, last_success AS ls FROM crawl_health)\n"
    "GROUP BY source\nORDER BY source";

ApiReply crawl_health(clickhouse::Client& client, const ApiRequest& r) {
  if (Status s = no_params(r); !s) return error_reply(s);
  queries::Table table;
  if (Status s = queries::run(client, kCrawlHealthSql, table); !s) return error_reply(s);
  return reply(200, {{"rows", queries::table_json(table)}});
}

// ---- alerts ----

std::string iso(UnixSeconds t) { return t ? format_iso8601(t) : ""; }

json alert_json(const alerts::Alert& a, bool full) {
  json j = {{"id", a.id},
            {"detector", a.detector},
            {"severity", alerts::to_string(a.severity)},
            {"severity_label", alerts::chinese_label(a.severity)},
            {"status", alerts::to_string(a.status)},
            {"status_label", alerts::chinese_label(a.status)},
            {"issue", a.issue},
            {"place", a.place},
            {"departments", a.departments},
            {"title", a.title},
            {"summary", a.summary},
            {"fired_at", iso(a.fired_at)},
            {"window_start", iso(a.window_start)},
            {"window_end", iso(a.window_end)},
            {"observed", a.observed},
            {"expected", a.expected},
            {"p_value", a.p_value},
            {"acknowledged_by", a.acknowledged_by},
            {"acknowledged_at", a.acknowledged_at ? json(iso(*a.acknowledged_at)) : json(nullptr)},
            {"closed_by", a.closed_by},
            {"closed_at", a.closed_at ? json(iso(*a.closed_at)) : json(nullptr)},
            {"close_reason", a.close_reason},
            {"documents", a.document_ids.size()}};
  if (!full) return j;
  j["rule"] = a.rule;
  j["terms"] = a.terms;
  j["top_sources"] = a.top_sources;
  j["story"] = a.story;
  j["first_publisher"] = a.first_publisher;
  j["document_ids"] = a.document_ids;
  json series = json::array();
  for (const auto& p : a.series) series.push_back({{"start", iso(p.start)}, {"observed", p.observed}, {"expected", p.expected}});
  j["series"] = series;
  json samples = json::array();
  for (const auto& d : a.samples)
    samples.push_back({{"id", d.id}, {"title", d.title}, {"url", d.url}, {"site", d.site},
                       {"published_at", iso(d.published_at)}, {"sentiment", d.sentiment}});
  j["samples"] = samples;
  return j;
}

Status check_text(const std::string& name, const std::string& v, size_t max_bytes) {
  if (v.size() > max_bytes) return Status::invalid(name + ": longer than " + std::to_string(max_bytes) + " bytes");
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return Status::invalid(name + ": control characters are not allowed");
  return Status::ok();
}

// An instant from the queries' time forms; local dates are the district's local time (core/time.h),
// because alerts are filtered by when they fired.
Status instant(const std::string& name, const std::string& text, UnixSeconds now, UnixSeconds& out) {
  queries::TimeBound b;
  if (Status s = queries::parse_time_bound(text, now, b); !s) return Status::invalid(name + ": " + s.message());
  if (b.instant) {
    out = *b.instant;
    return Status::ok();
  }
  const auto t = parse_iso8601_local(b.local);  // "YYYY-MM-DD HH:MM:SS", checked
  if (!t) return Status::invalid(name + ": '" + text + "' is not a time");
  out = *t;
  return Status::ok();
}

Status alert_filter(const queries::Params& params, alerts::AlertFilter& f) {
  f.limit = 50;
  const UnixSeconds now = now_seconds();
  std::vector<std::string> seen;
  for (const auto& [name, value] : params) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return Status::invalid(name + ": given more than once");
    seen.push_back(name);
    if (name == "status") {
      f.status = alerts::alert_status_from_string(value);
      if (!f.status) return Status::invalid("status '" + value + "': expected open, acknowledged or closed");
    } else if (name == "since" || name == "until") {
      UnixSeconds t = 0;
      if (Status s = instant(name, value, now, t); !s) return s;
      (name == "since" ? f.since : f.until) = t;
    } else if (name == "limit" || name == "offset") {
      int n = -1;
      try {
        size_t used = 0;
        n = std::stoi(value, &used);
        if (used != value.size()) n = -1;
      } catch (const std::exception&) {
      }
      if (name == "limit" && (n < 1 || n > 1000)) return Status::invalid("limit '" + value + "': must be between 1 and 1000");
      if (name == "offset" && (n < 0 || n > 1000000)) return Status::invalid("offset '" + value + "': must be between 0 and 1000000");
      (name == "limit" ? f.limit : f.offset) = n;
    } else if (name == "detector" || name == "issue" || name == "place" || name == "department") {
      if (Status s = check_text(name, value, 256); !s) return s;
      (name == "detector" ? f.detector : name == "issue" ? f.issue : name == "place" ? f.place : f.department) = value;
    } else {
      return Status::invalid("unknown parameter '" + name + "'");
    }
  }
  return Status::ok();
}

ApiReply list_alerts(clickhouse::Client& client, const ApiRequest& r) {
  alerts::AlertFilter f;
  if (Status s = alert_filter(r.params, f); !s) return error_reply(s);
  std::vector<alerts::Alert> found;
  if (Status s = alerts::list_alerts(client, f, found); !s) return error_reply(s);
  json rows = json::array();
  for (const auto& a : found) rows.push_back(alert_json(a, false));
  return reply(200, {{"rows", rows},
                     {"limit", f.limit},
                     {"offset", f.offset},
                     {"next_offset", found.size() == size_t(f.limit) ? json(f.offset + f.limit) : json(nullptr)}});
}

bool is_alert_id(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Looks the alert up; a malformed id is a bad parameter, an unknown one is 404.
bool find_alert(clickhouse::Client& client, const ApiRequest& r, alerts::Alert& a, ApiReply& failure) {
  if (Status s = no_params(r); !s) {
    failure = error_reply(s);
    return false;
  }
  if (!is_alert_id(r.id)) {
    failure = bad_request("id '" + r.id.substr(0, 64) + "': expected 32 hexadecimal digits");
    return false;
  }
  Status s = alerts::get_alert(client, r.id, a);
  if (!s) failure = s.kind() == Status::Kind::invalid ? reply(404, {{"error", "id: no alert " + r.id}}) : error_reply(s);
  return bool(s);
}

ApiReply show_alert(clickhouse::Client& client, const ApiRequest& r) {
  alerts::Alert a;
  ApiReply failure;
  if (!find_alert(client, r, a, failure)) return failure;
  return reply(200, alert_json(a, true));
}

ApiReply change_alert(clickhouse::Client& client, const ApiRequest& r, alerts::AlertStatus to) {
  alerts::Alert a;
  ApiReply failure;
  if (!find_alert(client, r, a, failure)) return failure;
  std::string reason;
  for (const auto& [key, value] : r.body.items()) {
    if (key != "reason" || to != alerts::AlertStatus::closed) return bad_request("body: unknown field '" + key + "'");
    if (!value.is_string()) return bad_request("reason: expected a string");
    reason = value.get<std::string>();
    if (Status s = check_text("reason", reason, 1000); !s) return error_reply(s);
  }
  alerts::Alert updated;
  Status s = alerts::set_status(client, r.id, to, r.user, now_seconds(), reason, updated);
  // The store says invalid when the alert's state forbids the change (closed already...).
  if (!s) return s.kind() == Status::Kind::invalid ? reply(409, {{"error", "status: " + s.message()}}) : error_reply(s);
  return reply(200, alert_json(updated, true));
}

ApiReply ack_alert(clickhouse::Client& client, const ApiRequest& r) { return change_alert(client, r, alerts::AlertStatus::acknowledged); }
ApiReply close_alert(clickhouse::Client& client, const ApiRequest& r) { return change_alert(client, r, alerts::AlertStatus::closed); }

}  // namespace

ApiReply error_reply(const Status& s) {
  switch (s.kind()) {
    case Status::Kind::invalid: return reply(400, {{"error", s.message()}});
    case Status::Kind::retry_later: return reply(503, {{"error", "storage unavailable, retry later: " + s.message()}});
    default: return reply(500, {{"error", s.message()}});
  }
}

const std::vector<Endpoint>& endpoints() {
  using namespace queries;
  static const std::vector<Endpoint> table = {
      {"GET", "/api/trend", &query<TrendQuery, &trend_from_params, &build_trend>, "volume and negative share per bucket"},
      {"GET", "/api/top-issues", &query<TopIssuesQuery, &top_issues_from_params, &build_top_issues>, "issues by week-over-week rise"},
      {"GET", "/api/keywords", &query<KeywordsQuery, &keywords_from_params, &build_keywords>, "top or emerging keywords"},
      {"GET", "/api/stories", &query<StoriesQuery, &stories_from_params, &build_stories>, "stories by size or spread"},
      {"GET", "/api/docs", &query<DocsQuery, &docs_from_params, &build_docs>, "the documents behind a number, paged"},
      {"GET", "/api/summary", &summary, "distinct documents in total and by site and kind"},
      {"GET", "/api/crawl-health", &crawl_health, "the newest crawl health row per source"},
      {"GET", "/api/alerts", &list_alerts, "alerts, newest first, filtered and paged"},
      {"GET", "/api/alerts/{id}", &show_alert, "one alert with its evidence"},
      {"POST", "/api/alerts/{id}/ack", &ack_alert, "acknowledge an alert"},
      {"POST", "/api/alerts/{id}/close", &close_alert, "close an alert (body: {\"reason\": ...})"},
  };
  return table;
}

}  // namespace yuqing::server
