#include "storage/alerts/store.h"

#include <tuple>

#include <nlohmann/json.hpp>

#include "storage/clickhouse/json_rows.h"

namespace yuqing::alerts {

namespace {

using nlohmann::json;

json details_of(const Alert& a) {
  json series = json::array();
  for (const auto& p : a.series) series.push_back({p.start, p.observed, p.expected});
  json samples = json::array();
  for (const auto& s : a.samples)
    samples.push_back({{"id", s.id}, {"title", s.title}, {"url", s.url}, {"site", s.site},
                       {"published_at", s.published_at}, {"sentiment", s.sentiment}});
  return {{"key", a.key},         {"terms", a.terms},   {"top_sources", a.top_sources}, {"story", a.story},
          {"first_publisher", a.first_publisher}, {"series", series}, {"samples", samples}};
}

std::string to_row(const Alert& a, UnixSeconds created_at) {
  auto time_or_null = [](const std::optional<UnixSeconds>& t) { return t ? json(format_clickhouse_utc(*t)) : json(nullptr); };
  json row = {{"id", a.id},
              {"created_at", format_clickhouse_utc(created_at)},
              {"detector", a.detector},
              {"rule", a.rule},
              {"severity", to_string(a.severity)},
              {"issue", a.issue},
              {"place", a.place},
              {"departments", a.departments},
              {"title", a.title},
              {"summary", a.summary},
              {"window_start", format_clickhouse_utc(a.window_start)},
              {"window_end", format_clickhouse_utc(a.window_end)},
              {"observed", a.observed},
              {"expected", a.expected},
              {"document_ids", a.document_ids},
              {"status", to_string(a.status)},
              {"acknowledged_by", a.acknowledged_by},
              {"acknowledged_at", time_or_null(a.acknowledged_at)},
              {"version", a.version},
              {"fired_at", format_clickhouse_utc(a.fired_at)},
              {"p_value", a.p_value},
              {"details", details_of(a).dump(-1, ' ', false, json::error_handler_t::replace)},
              {"closed_by", a.closed_by},
              {"closed_at", time_or_null(a.closed_at)},
              {"close_reason", a.close_reason}};
  return row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

constexpr const char* kColumns =
    "id, detector, rule, severity, issue, place, departments, title, summary, toUnixTimestamp(fired_at) AS fired, "
    "toUnixTimestamp(window_start) AS ws, toUnixTimestamp(window_end) AS we, observed, expected, p_value, "
    "document_ids, status, acknowledged_by, toUnixTimestamp(ifNull(acknowledged_at, toDateTime(0, 'UTC'))) AS acked, "
    "closed_by, toUnixTimestamp(ifNull(closed_at, toDateTime(0, 'UTC'))) AS closed, close_reason, details, "
    "toString(version) AS v";

// UInt64 arrives quoted or not depending on server settings; take both.
int64_t number(const json& j) {
  if (j.is_string()) return std::stoll(j.get<std::string>());
  return j.get<int64_t>();
}

Alert from_row(const json& r) {
  Alert a;
  a.id = r.at("id").get<std::string>();
  a.detector = r.at("detector").get<std::string>();
  a.rule = r.at("rule").get<std::string>();
  a.severity = severity_from_string(r.at("severity").get<std::string>()).value_or(Severity::general);
  a.issue = r.at("issue").get<std::string>();
  a.place = r.at("place").get<std::string>();
  a.departments = r.at("departments").get<std::vector<std::string>>();
  a.title = r.at("title").get<std::string>();
  a.summary = r.at("summary").get<std::string>();
  a.fired_at = number(r.at("fired"));
  a.window_start = number(r.at("ws"));
  a.window_end = number(r.at("we"));
  a.observed = r.at("observed").get<double>();
  a.expected = r.at("expected").get<double>();
  a.p_value = r.at("p_value").get<double>();
  a.document_ids = r.at("document_ids").get<std::vector<std::string>>();
  a.status = alert_status_from_string(r.at("status").get<std::string>()).value_or(AlertStatus::open);
  a.acknowledged_by = r.at("acknowledged_by").get<std::string>();
  if (int64_t t = number(r.at("acked")); t > 0) a.acknowledged_at = t;
  a.closed_by = r.at("closed_by").get<std::string>();
  if (int64_t t = number(r.at("closed")); t > 0) a.closed_at = t;
  a.close_reason = r.at("close_reason").get<std::string>();
  a.version = uint64_t(number(r.at("v")));
  const json d = json::parse(r.at("details").get<std::string>(), nullptr, false);
  if (d.is_object()) {
    a.key = d.value("key", "");
    a.terms = d.value("terms", std::vector<std::string>{});
    a.top_sources = d.value("top_sources", std::vector<std::string>{});
    a.story = d.value("story", "");
    a.first_publisher = d.value("first_publisher", "");
    for (const auto& p : d.value("series", json::array()))
      if (p.is_array() && p.size() == 3) a.series.push_back({p[0].get<int64_t>(), p[1].get<double>(), p[2].get<double>()});
    for (const auto& s : d.value("samples", json::array()))
      a.samples.push_back({s.value("id", ""), s.value("title", ""), s.value("url", ""), s.value("site", ""),
                           s.value("published_at", int64_t{0}), s.value("sentiment", "")});
  }
  return a;
}

Status select(clickhouse::Client& client, const std::string& where, const std::string& tail, std::vector<Alert>& out) {
  const std::string sql = std::string("SELECT ") + kColumns + " FROM alerts FINAL" + (where.empty() ? "" : " WHERE " + where) +
                          tail + " FORMAT JSONEachRow";
  auto r = client.execute(sql);
  if (!r.status) return r.status;
  return clickhouse::for_each_json_row(r.body, "alert", [&](const json& row) { out.push_back(from_row(row)); });
}

Status insert(clickhouse::Client& client, const Alert& a) {
  return client.execute("INSERT INTO alerts FORMAT JSONEachRow", to_row(a, now_seconds())).status;
}

}  // namespace

Status save_new(clickhouse::Client& client, const Alert& a, bool& inserted) {
  inserted = false;
  std::vector<Alert> existing;
  if (Status s = select(client, "id = " + clickhouse::quote(a.id), " LIMIT 1", existing); !s) return s;
  if (!existing.empty()) return Status::ok();
  Alert first = a;
  first.version = std::max<uint64_t>(first.version, 1);
  if (Status s = insert(client, first); !s) return s;
  inserted = true;
  return Status::ok();
}

bool same_findings(const Alert& a, const Alert& b) {
  auto findings = [](const Alert& x) {
    return std::tie(x.severity, x.title, x.summary, x.window_start, x.observed, x.expected, x.p_value,
                    x.terms, x.top_sources, x.first_publisher, x.document_ids, x.departments);
  };
  return findings(a) == findings(b);
}

Status refresh_provisional(clickhouse::Client& client, const Alert& a, UnixSeconds hour_end, bool& updated) {
  updated = false;
  std::vector<Alert> existing;
  if (Status s = select(client, "id = " + clickhouse::quote(a.id), " LIMIT 1", existing); !s) return s;
  if (existing.empty()) return Status::invalid("no alert with id " + a.id);
  const Alert& old = existing.front();
  if (old.fired_at <= hour_end - 3600 || old.fired_at >= hour_end) return Status::ok();
  // An immediate tick's window ends at its moment: written only with other findings; the full
  // evaluation's (the hour's end) once.
  if (same_findings(old, a) && (a.window_end != hour_end || old.window_end == hour_end)) return Status::ok();
  Alert next = a;
  next.fired_at = old.fired_at;
  next.status = old.status;
  next.acknowledged_by = old.acknowledged_by;
  next.acknowledged_at = old.acknowledged_at;
  next.closed_by = old.closed_by;
  next.closed_at = old.closed_at;
  next.close_reason = old.close_reason;
  next.version = old.version + 1;
  if (Status s = insert(client, next); !s) return s;
  updated = true;
  return Status::ok();
}

Status list_alerts(clickhouse::Client& client, const AlertFilter& f, std::vector<Alert>& out) {
  std::vector<std::string> conditions;
  if (f.since) conditions.push_back("fired_at >= toDateTime(" + std::to_string(*f.since) + ", 'UTC')");
  if (f.until) conditions.push_back("fired_at < toDateTime(" + std::to_string(*f.until) + ", 'UTC')");
  if (f.status) conditions.push_back("status = " + clickhouse::quote(to_string(*f.status)));
  if (!f.detector.empty()) conditions.push_back("detector = " + clickhouse::quote(f.detector));
  if (!f.issue.empty()) conditions.push_back("issue = " + clickhouse::quote(f.issue));
  if (!f.place.empty()) conditions.push_back("place = " + clickhouse::quote(f.place));
  if (!f.department.empty()) conditions.push_back("has(departments, " + clickhouse::quote(f.department) + ")");
  if (f.limit < 0 || f.limit > 10000) return Status::invalid("limit must be between 0 and 10000");
  if (f.offset < 0) return Status::invalid("offset must not be negative");
  std::string where;
  for (const auto& c : conditions) where += (where.empty() ? "" : " AND ") + c;
  return select(client, where,
                " ORDER BY fired_at DESC, id LIMIT " + std::to_string(f.offset) + ", " + std::to_string(f.limit), out);
}

Status get_alert(clickhouse::Client& client, const std::string& id, Alert& out) {
  std::vector<Alert> found;
  if (Status s = select(client, "id = " + clickhouse::quote(id), " LIMIT 1", found); !s) return s;
  if (found.empty()) return Status::invalid("no alert with id " + id);
  out = std::move(found.front());
  return Status::ok();
}

Status set_status(clickhouse::Client& client, const std::string& id, AlertStatus status, const std::string& who,
                  UnixSeconds when, const std::string& reason, Alert& updated) {
  if (who.empty()) return Status::invalid("who acknowledges or closes an alert must be named");
  if (status == AlertStatus::open) return Status::invalid("an alert cannot be reopened");
  Alert a;
  if (Status s = get_alert(client, id, a); !s) return s;
  if (a.status == AlertStatus::closed)
    return Status::invalid("alert " + id + " is closed already (by " + a.closed_by + ")");
  if (status == AlertStatus::acknowledged && a.status == AlertStatus::acknowledged)
    return Status::invalid("alert " + id + " is acknowledged already (by " + a.acknowledged_by + ")");
  if (status == AlertStatus::acknowledged) {
    a.acknowledged_by = who;
    a.acknowledged_at = when;
  } else {
    a.closed_by = who;
    a.closed_at = when;
    a.close_reason = reason;
  }
  a.status = status;
  ++a.version;
  if (Status s = insert(client, a); !s) return s;
  updated = std::move(a);
  return Status::ok();
}

}  // namespace yuqing::alerts
