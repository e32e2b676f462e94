// The weekly assessment report (舆情周报) as data: every figure the HTML, PDF and Markdown show,
// filled from stored queries (reports/build.h) and turned into text only by the renderers
// (reports/render.h, reports/sections/).
//
// Contract
// - Every number here was returned by a query of storage/queries (queries.h, weekly.h) over the
//   report's week, or is computed from such numbers by a documented formula in this header
//   (pressure index, risk level, changes) — docs/REPORTS.md states them for analysts.
// - Every figure group carries a Drill: the `yuqing query docs` arguments (and the dashboard URL)
//   that list the documents behind it. drill() is the only place that builds them.
// - Text fields hold raw scraped text (titles, site names); escaping is the renderers' job.
// - The pure parts (pressure index, risk level, recommendation rules) take only this model, so
//   unit tests drive them with tables of hand-made figures.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace yuqing::reports {

// The documents behind a figure: filters for `yuqing query docs` and the dashboard.
struct Drill {
  std::string since;   // local "YYYY-MM-DD" (inclusive)
  std::string until;   // local "YYYY-MM-DD" (exclusive)
  std::vector<std::pair<std::string, std::string>> filters;  // option -> stored value (issue, place, site, kind, story)
};
struct DrillLink {
  std::string cli;  // "yuqing query docs --since ... --until ... --issue ... --exact"
  std::string url;  // "http://127.0.0.1:18090/#/docs?since=...&until=...&issue=..."
};
// The one link builder: switch the dashboard address here.
DrillLink drill(const Drill& d);
inline constexpr const char* kDashboardBase = "http://127.0.0.1:18090/#/docs";

struct DayPoint {
  std::string day;          // "YYYY-MM-DD"
  uint64_t documents = 0;
  uint64_t negative = 0;
};

struct Overview {
  uint64_t documents = 0;             // distinct documents in the week
  uint64_t last_week = 0;             // the week before
  double mean_4w = 0;                 // mean over those of the four weeks before that hold documents
  int baseline_weeks = 0;             // how many of the four weeks before hold documents (0..4)
  uint64_t negative = 0, positive = 0, neutral = 0, other = 0;  // sentiment mix of the week
  uint64_t last_week_negative = 0;
  int sites = 0;                      // sites with documents in the week
  std::vector<DayPoint> days;         // 35 days: the four weeks before and this week
  Drill drill;
};

struct IssueRow {
  std::string name;
  uint64_t documents = 0, last_week = 0, negative = 0;
  double mean_4w = 0;                 // baseline: the issue's documents in the four weeks before / Overview::baseline_weeks
  int sites = 0, places = 0;
  double pressure = 0;                // 0..100, see pressure_index()
  std::string risk;                   // 高 | 较高 | 一般 | 低, see risk_level()
  std::vector<std::string> departments;  // as stored on the issue's documents, lead first
  Drill drill;
};

struct StoryDay {
  std::string day;
  uint64_t documents = 0;
};
struct SiteCount {
  std::string site;
  uint64_t documents = 0;
};
struct Sample {
  std::string time, site, kind, sentiment, title, url;
};
struct AlertRow {
  std::string id, fired_at, detector, severity /* 一般|较大|重大 */, status /* 待处理|已确认|已关闭 */;
  std::string issue, place, title, story;
  std::vector<std::string> departments;
  bool acknowledged = false, closed = false;
};
struct Story {
  std::string id, title, first_seen, first_site;
  uint64_t documents = 0;             // in the week
  int sites = 0;                      // in the week
  std::vector<std::string> issues, places, departments;
  std::string primary_issue;          // of `issues`, the one ranked highest this week; `departments` are its
  std::vector<StoryDay> timeline;     // per day of the week
  std::vector<SiteCount> spread;      // per site, largest first
  std::vector<Sample> samples;        // the earliest of each site
  std::vector<AlertRow> alerts;       // alerts of the week about this story (story id, or primary issue + place)
  Drill drill;
};

struct PlaceRow {
  std::string name;
  uint64_t documents = 0, negative = 0;
  std::string top_issue;
  uint64_t top_issue_documents = 0;
  Drill drill;
};

struct DepartmentRow {
  std::string name;
  int alerts = 0, acknowledged = 0, closed = 0;
  uint64_t messages = 0, replied = 0, late = 0, unanswered = 0;
  double median_reply_hours = 0;
};

struct MessageBoard {
  std::string site;
  uint64_t messages = 0, replied = 0, late = 0, unanswered = 0;
  double median_reply_hours = 0;
  int deadline_days = 15;
  Drill drill;
};

struct Coverage {
  std::string source;
  uint64_t documents = 0;             // documents of the week (documents table)
  std::string kinds;                  // "article 120, comment 300"
  bool crawl_health = false;          // the crawl_health figures below are present
  uint64_t fetched = 0, crawled_documents = 0, failed = 0;
  std::string last_success;
};

struct Recommendation {
  std::string text;                   // one Chinese sentence, every figure in it from the model
  std::string basis;                  // which section's figure backs it, e.g. "2 热点议题"
};

struct Report {
  std::string district;               // 台儿庄区 (configs/places.yaml)
  std::string week;                   // "2026-W43"
  std::string start_day, end_day;     // local dates, end exclusive
  std::string timezone = "Asia/Shanghai";
  std::string generated_at;           // local time of generation
  Overview overview;
  std::vector<IssueRow> issues;       // by pressure, highest first
  std::vector<Story> stories;         // leading stories, largest first
  int generic_stories = 0;            // larger "stories" skipped: a stock phrase spanning > 3 issues
  std::vector<PlaceRow> places;       // the district's towns and street, configured order
  std::vector<AlertRow> alerts;       // every alert fired in the week
  std::vector<DepartmentRow> departments;
  MessageBoard board;
  std::vector<Coverage> coverage;
  std::vector<Recommendation> recommendations;
};

// Pressure index of an issue, 0..100 (docs/REPORTS.md):
//   100 × (0.35·V + 0.25·N + 0.20·S + 0.20·G), where
//   V = documents / the week's largest issue's documents           (volume, relative)
//   N = negative / documents                                       (negativity)
//   S = min(1, sites / sites active in the week)                   (spread)
//   G = clamp(log2((documents + 1) / (mean_4w + 1)) / 2, 0, 1)     (growth: ×4 over the baseline = 1)
double pressure_index(const IssueRow& issue, uint64_t max_documents, int active_sites);
// 高: pressure ≥ 60, or negative share ≥ 50 % with ≥ 20 documents; 较高: ≥ 40; 一般: ≥ 20; 低 below.
std::string risk_level(double pressure, uint64_t documents, uint64_t negative);
// Fills pressure and risk of every issue and sorts them (pressure, then documents, then name).
void rank_issues(Report& r);
// The rule-based 关注建议 (docs/REPORTS.md lists the rules); never empty: with no rule firing it
// says so.
std::vector<Recommendation> recommend(const Report& r);

// "+25.0%" / "-10.0%" / "新增" (from zero); the change of `now` against `before`.
std::string change_text(double now, double before);
// "12.5%" of part/whole ("0.0%" when whole is 0).
std::string percent_text(uint64_t part, uint64_t whole);

}  // namespace yuqing::reports
