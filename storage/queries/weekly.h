// The queries behind the weekly assessment report (舆情周报, reports/): one build_*() per figure
// group, shared with the dashboard. Everything else a report shows comes from queries.h (trend,
// stories, docs) with the same window.
//
// Contract
// - Same rules as queries.h: typed struct in, validated SQL out (Status invalid names the bad
//   parameter); values enter only through clickhouse::quote(); counts are exact (uniqExact over
//   ids from the rollups, or LIMIT 1 BY id / GROUP BY id over documents).
// - A week is an ISO week in the query's time zone: [Monday 00:00, next Monday 00:00) local time.
//   WeekSpan gives its bounds as local date-times, ready for a queries::Window.
// - SQL stays portable: ClickHouse 18.16 (no window functions, no Map) and current ClickHouse
//   (tests/integration/chdb_portability.py runs every statement `yuqing report weekly --sql`
//   prints).
#pragma once

#include <string>
#include <vector>

#include "storage/queries/queries.h"

namespace yuqing::queries {

// An ISO week's local bounds ("YYYY-MM-DD 00:00:00") and the four weeks before it.
struct WeekSpan {
  int iso_year = 0;
  int iso_week = 0;
  std::string label;          // "2026-W43"
  std::string start;          // Monday 00:00:00, local
  std::string end;            // next Monday 00:00:00, local (exclusive)
  std::string previous_start; // the Monday one week before
  std::string baseline_start; // the Monday four weeks before `start`
  int64_t start_day = 0;      // days since 1970-01-01 of the Monday
};
Status week_span(int iso_year, int iso_week, WeekSpan& out);

// Per policy issue: distinct documents this week, last week and in the four weeks before this one
// (their mean is the baseline), negative documents this week, distinct sites and places this week.
// Columns: issue, this_week, last_week, baseline_4w, negative, sites, places.
struct IssueWeekQuery {
  std::string timezone = "Asia/Shanghai";
  int iso_year = 0;
  int iso_week = 0;
};
Status build_issue_week(const IssueWeekQuery& q, std::string& sql);

// Responsible departments of each issue as stored on its documents in the window: documents that
// carry one issue only (so the departments are that issue's), per department, in the order the
// plan lists them (mean position in the array, lead first). Columns: issue, department, documents,
// position.
Status build_issue_departments(const Common& c, std::string& sql);

// Per place and issue in the window: distinct documents and negative ones, largest first.
// Columns: place, issue, documents, negative. The row with issue '' is the place's total.
Status build_place_issues(const Common& c, std::string& sql);

// One story in the window: distinct documents per local day and site.
// Columns: day, site, documents, negative.
struct StoryQuery {
  Common common;   // window and time zone only
  std::string story;
  int limit = 10;  // for build_story_documents
};
Status build_story_activity(const StoryQuery& q, std::string& sql);
// Representative documents of a story in the window: the earliest of each site first, then the
// rest by time. Columns: id, time, site, kind, sentiment, title, url.
Status build_story_documents(const StoryQuery& q, std::string& sql);

// Message board (领导留言板): messages (kind message) published in the window and their first reply
// (kind reply, parent_id = the message). Per responsible department, and '' for all messages.
// Reply time = first reply's event_time - the message's. Columns: department, messages, replied,
// median_reply_hours, late (replied after deadline_days), unanswered, site.
struct MessageBoardQuery {
  Common common;   // window and time zone only
  int deadline_days = 15;
};
Status build_message_board(const MessageBoardQuery& q, std::string& sql);

// Data coverage per source in the window. From crawl_health: the last row per source before the
// window's end (fetched, documents, failed, last_success). Columns: source, fetched, documents,
// failed, last_success.
Status build_crawl_coverage(const Common& c, std::string& sql);
// Documents per site and kind in the window (the coverage when crawl_health is empty).
// Columns: site, kind, documents.
Status build_site_kinds(const Common& c, std::string& sql);

// What is stored at all: distinct documents, first and last event time (local text).
// Columns: documents, first, last. Used to say what is missing when a week is refused.
Status build_data_span(const Common& c, std::string& sql);

}  // namespace yuqing::queries
