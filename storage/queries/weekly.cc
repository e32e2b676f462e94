#include "storage/queries/weekly.h"

#include <cstdio>

namespace yuqing::queries {
namespace {

using clickhouse::quote;

// The window and time zone are checked by the same code as every analysts' query (build_docs
// validates a Common); filters are refused where a report query has none.
Status check(const Common& c, bool filters_allowed) {
  std::string unused;
  DocsQuery probe;
  probe.common = c;
  if (Status s = build_docs(probe, unused); !s) return s;
  if (!filters_allowed && !c.filter.equals.empty()) return Status::invalid("report queries take no filters, only a window");
  return Status::ok();
}

std::string bound(const TimeBound& b, const std::string& tz) {
  if (b.instant) return "toDateTime(" + std::to_string(*b.instant) + ", 'UTC')";
  return "toDateTime(" + quote(b.local) + ", " + quote(tz) + ")";
}

std::string window(const Common& c, const std::string& column) {
  std::string out;
  if (c.window.since) out += column + " >= " + bound(*c.window.since, c.timezone);
  if (c.window.until) out += (out.empty() ? "" : " AND ") + column + " < " + bound(*c.window.until, c.timezone);
  return out.empty() ? "1" : out;
}

// The story a document belongs to, exactly as migration 003 and build_stories define it.
constexpr const char* kStoryExpr = "if(story_id != '', story_id, if(content_hash != '', content_hash, id))";

Status check_story(const StoryQuery& q) {
  if (Status s = check(q.common, false); !s) return s;
  if (q.story.empty() || q.story.size() > 128) return Status::invalid("story: expected a story id");
  for (unsigned char ch : q.story)
    if (ch < 0x20 || ch == 0x7f) return Status::invalid("story: control characters are not allowed");
  if (q.limit < 1 || q.limit > 1000) return Status::invalid("limit: must be between 1 and 1000");
  return Status::ok();
}

}  // namespace

Status week_span(int iso_year, int iso_week, WeekSpan& out) {
  if (iso_year < 1971 || iso_year > 2200) return Status::invalid("week: year out of range");
  const int64_t weeks = (iso_week1_monday(iso_year + 1) - iso_week1_monday(iso_year)) / 7;
  if (iso_week < 1 || iso_week > weeks)
    return Status::invalid("week: " + std::to_string(iso_year) + " has " + std::to_string(weeks) + " ISO weeks");
  out = {};
  out.iso_year = iso_year;
  out.iso_week = iso_week;
  char label[32];
  std::snprintf(label, sizeof label, "%04d-W%02d", iso_year, iso_week);
  out.label = label;
  out.start_day = iso_week1_monday(iso_year) + 7 * int64_t(iso_week - 1);
  out.start = format_day(out.start_day) + " 00:00:00";
  out.end = format_day(out.start_day + 7) + " 00:00:00";
  out.previous_start = format_day(out.start_day - 7) + " 00:00:00";
  out.baseline_start = format_day(out.start_day - 28) + " 00:00:00";
  return Status::ok();
}

Status build_issue_week(const IssueWeekQuery& q, std::string& sql) {
  WeekSpan w;
  if (Status s = week_span(q.iso_year, q.iso_week, w); !s) return s;
  Common c;
  c.timezone = q.timezone;
  if (Status s = check(c, false); !s) return s;
  const std::string tz = quote(q.timezone);
  const auto at = [&](const std::string& local) { return "toDateTime(" + quote(local) + ", " + tz + ")"; };
  sql = "SELECT issue,\n"
        "  uniqExactMergeIf(ids_state, hour >= " + at(w.start) + ") AS this_week,\n"
        "  uniqExactMergeIf(ids_state, hour >= " + at(w.previous_start) + " AND hour < " + at(w.start) + ") AS last_week,\n"
        "  uniqExactMergeIf(ids_state, hour < " + at(w.start) + ") AS baseline_4w,\n"
        "  uniqExactMergeIf(ids_state, hour >= " + at(w.start) + " AND sentiment = 'negative') AS negative,\n"
        "  uniqExactIf(site, hour >= " + at(w.start) + ") AS sites,\n"
        "  uniqExactIf(place, hour >= " + at(w.start) + " AND place != '') AS places\n"
        "FROM rollup_hourly\n"
        "WHERE hour >= " + at(w.baseline_start) + " AND hour < " + at(w.end) + " AND issue != ''\n"
        "GROUP BY issue\nHAVING this_week > 0\nORDER BY this_week DESC, issue";
  return Status::ok();
}

Status build_issue_departments(const Common& c, std::string& sql) {
  if (Status s = check(c, false); !s) return s;
  sql = "SELECT issue, department, count() AS documents, round(avg(pos), 2) AS mean_position\n"
        "FROM (SELECT id, any(issues)[1] AS issue, any(departments) AS deps\n"
        "      FROM documents\n"
        "      WHERE " + window(c, "event_time") + " AND length(issues) = 1\n"
        "      GROUP BY id)\n"
        "ARRAY JOIN deps AS department, arrayEnumerate(deps) AS pos\n"
        "GROUP BY issue, department\n"
        "ORDER BY issue, documents DESC, mean_position, department";
  return Status::ok();
}

// arrayJoin([issue, '']) puts every rollup row in its issue's group and in the place's total ('');
// the id sets are merged, so the total counts each document once.
Status build_place_issues(const Common& c, std::string& sql) {
  if (Status s = check(c, false); !s) return s;
  sql = "SELECT place, arrayJoin([issue, '']) AS topic, uniqExactMerge(ids_state) AS documents,\n"
        "  uniqExactMergeIf(ids_state, sentiment = 'negative') AS negative\n"
        "FROM rollup_hourly\n"
        "WHERE " + window(c, "hour") + " AND place != ''\n"
        "GROUP BY place, topic\n"
        "ORDER BY place, documents DESC, topic";
  return Status::ok();
}

Status build_story_activity(const StoryQuery& q, std::string& sql) {
  if (Status s = check_story(q); !s) return s;
  sql = "SELECT day, site, count() AS documents, countIf(sentiment = 'negative') AS negative\n"
        "FROM (SELECT id, any(site) AS site, toString(toDate(min(event_time), " + quote(q.common.timezone) + ")) AS day,\n"
        "             any(sentiment_label) AS sentiment\n"
        "      FROM documents\n"
        "      WHERE " + window(q.common, "event_time") + " AND " + kStoryExpr + " = " + quote(q.story) + "\n"
        "      GROUP BY id)\n"
        "GROUP BY day, site\nORDER BY day, site";
  return Status::ok();
}

Status build_story_documents(const StoryQuery& q, std::string& sql) {
  if (Status s = check_story(q); !s) return s;
  sql = "SELECT id, time, site, kind, sentiment, title, url\n"
        "FROM (SELECT id, min(event_time) AS t, toString(min(event_time), " + quote(q.common.timezone) + ") AS time,\n"
        "             any(site) AS site, any(kind) AS kind, any(sentiment_label) AS sentiment,\n"
        "             any(if(title != '', title, substringUTF8(text, 1, 60))) AS title, any(url) AS url\n"
        "      FROM documents\n"
        "      WHERE " + window(q.common, "event_time") + " AND " + kStoryExpr + " = " + quote(q.story) + "\n"
        "      GROUP BY id\n"
        "      ORDER BY t, id\n"
        "      LIMIT 1 BY site)\n"
        "ORDER BY t, id\nLIMIT " + std::to_string(q.limit);
  return Status::ok();
}

Status build_message_board(const MessageBoardQuery& q, std::string& sql) {
  if (Status s = check(q.common, false); !s) return s;
  if (q.deadline_days < 1 || q.deadline_days > 365) return Status::invalid("deadline: must be 1..365 days");
  const std::string messages_in_window = "kind = 'message' AND " + window(q.common, "event_time");
  sql = "SELECT department, count() AS messages, countIf(has_reply) AS replied,\n"
        "  round(if(replied = 0, 0, medianExactIf(reply_seconds, has_reply) / 3600), 1) AS median_reply_hours,\n"
        "  countIf(has_reply AND reply_seconds > " + std::to_string(int64_t(q.deadline_days) * 86400) + ") AS late,\n"
        "  countIf(NOT has_reply) AS unanswered, any(board) AS site\n"
        "FROM (SELECT id, board, departments, reply_at > toDateTime(0, 'UTC') AS has_reply,\n"
        "             toInt64(reply_at) - toInt64(asked) AS reply_seconds\n"
        "      FROM (SELECT id, min(event_time) AS asked, any(site) AS board, any(departments) AS departments\n"
        "            FROM documents WHERE " + messages_in_window + " GROUP BY id) AS m\n"
        "      ANY LEFT JOIN (SELECT parent_id AS id, min(event_time) AS reply_at\n"
        "                     FROM documents\n"
        "                     WHERE kind = 'reply' AND parent_id IN (SELECT id FROM documents WHERE " + messages_in_window + ")\n"
        "                     GROUP BY parent_id) AS r USING id)\n"
        "ARRAY JOIN arrayPushFront(departments, '') AS department\n"
        "GROUP BY department\nORDER BY messages DESC, department";
  return Status::ok();
}

Status build_crawl_coverage(const Common& c, std::string& sql) {
  if (Status s = check(c, false); !s) return s;
  sql = "SELECT source, argMax(fetched, time) AS pages, argMax(documents, time) AS docs, argMax(failed, time) AS failures,\n"
        "  ifNull(toString(max(last_success), " + quote(c.timezone) + "), '') AS last_ok\n"
        "FROM crawl_health\nWHERE " + window(c, "time") + "\nGROUP BY source\nORDER BY source";
  return Status::ok();
}

Status build_site_kinds(const Common& c, std::string& sql) {
  if (Status s = check(c, false); !s) return s;
  sql = "SELECT site, kind, count() AS documents\n"
        "FROM (SELECT id, any(site) AS site, any(kind) AS kind FROM documents WHERE " + window(c, "event_time") +
        " GROUP BY id)\nGROUP BY site, kind\nORDER BY site, documents DESC, kind";
  return Status::ok();
}

Status build_data_span(const Common& c, std::string& sql) {
  if (Status s = check(c, false); !s) return s;
  sql = "SELECT uniqExact(id) AS documents, toString(min(event_time), " + quote(c.timezone) + ") AS first_time,\n"
        "  toString(max(event_time), " + quote(c.timezone) + ") AS last_time\nFROM documents\nWHERE " +
        window(c, "event_time");
  return Status::ok();
}

}  // namespace yuqing::queries
