#include "reports/build.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "storage/alerts/store.h"
#include "core/time.h"
#include "storage/queries/queries.h"
#include "storage/queries/weekly.h"

namespace yuqing::reports {
namespace {

namespace q = yuqing::queries;

uint64_t u64(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoull(s);
  } catch (const std::exception&) {
    return 0;
  }
}
double f64(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stod(s);
  } catch (const std::exception&) {
    return 0;
  }
}

// ClickHouse's text form of Array(String): ['a','b\'c'].
std::vector<std::string> string_array(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in) {
      if (c == '\'') in = true;
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) {
      cur.push_back(text[++i]);
    } else if (c == '\'') {
      out.push_back(cur);
      cur.clear();
      in = false;
    } else {
      cur.push_back(c);
    }
  }
  return out;
}

// Column index by name, so a reordered SELECT cannot silently shift figures.
struct Columns {
  const q::Table& t;
  size_t operator()(const std::string& name) const {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i] == name) return i;
    return t.columns.size();  // cell() answers "" for it
  }
};
const std::string& cell(const q::Table& t, const std::vector<std::string>& row, const std::string& name) {
  static const std::string empty;
  const size_t i = Columns{t}(name);
  return i < row.size() ? row[i] : empty;
}

q::Common window(const std::string& tz, const std::string& since, const std::string& until) {
  q::Common c;
  c.timezone = tz;
  c.window.since = q::TimeBound{std::nullopt, since};
  c.window.until = q::TimeBound{std::nullopt, until};
  return c;
}

// Every statement of a report, built once, so --sql prints what runs.
struct Plan {
  q::WeekSpan w;
  std::string bounds, span_week, span_all, weeks, days, sentiment, sites, issue_week, issue_departments, stories,
      place_issues, board, crawl, site_kinds;
};

Status make_plan(const Options& o, Plan& p) {
  if (Status s = q::week_span(o.iso_year, o.iso_week, p.w); !s) return s;
  const auto week = window(o.timezone, p.w.start, p.w.end);
  const auto five = window(o.timezone, p.w.baseline_start, p.w.end);
  q::Common all;
  all.timezone = o.timezone;
  p.bounds = "SELECT toUnixTimestamp(toDateTime(" + clickhouse::quote(p.w.start) + ", " + clickhouse::quote(o.timezone) +
             ")) AS since, toUnixTimestamp(toDateTime(" + clickhouse::quote(p.w.end) + ", " + clickhouse::quote(o.timezone) +
             ")) AS until";
  if (Status s = q::build_data_span(week, p.span_week); !s) return s;
  if (Status s = q::build_data_span(all, p.span_all); !s) return s;
  q::TrendQuery t;
  t.common = five;
  t.by = q::Granularity::week;
  if (Status s = q::build_trend(t, p.weeks); !s) return s;
  t.by = q::Granularity::day;
  if (Status s = q::build_trend(t, p.days); !s) return s;
  t.common = week;
  t.by = q::Granularity::week;
  t.split = q::Dimension::sentiment;
  if (Status s = q::build_trend(t, p.sentiment); !s) return s;
  t.split = q::Dimension::site;
  if (Status s = q::build_trend(t, p.sites); !s) return s;
  q::IssueWeekQuery iw;
  iw.timezone = o.timezone;
  iw.iso_year = o.iso_year;
  iw.iso_week = o.iso_week;
  if (Status s = q::build_issue_week(iw, p.issue_week); !s) return s;
  if (Status s = q::build_issue_departments(week, p.issue_departments); !s) return s;
  q::StoriesQuery st;
  st.common = week;
  // Stock phrases repeated under many items (comment templates) can outnumber a real event's
  // copies; more are fetched and those are skipped, see build_report.
  st.limit = std::max(1, o.stories) * 5;
  if (Status s = q::build_stories(st, p.stories); !s) return s;
  if (Status s = q::build_place_issues(week, p.place_issues); !s) return s;
  q::MessageBoardQuery mb;
  mb.common = week;
  mb.deadline_days = o.deadline_days;
  if (Status s = q::build_message_board(mb, p.board); !s) return s;
  if (Status s = q::build_crawl_coverage(week, p.crawl); !s) return s;
  if (Status s = q::build_site_kinds(week, p.site_kinds); !s) return s;
  return Status::ok();
}

Status story_plan(const Options& o, const q::WeekSpan& w, const std::string& story, std::string& activity, std::string& docs) {
  q::StoryQuery sq;
  sq.common = window(o.timezone, w.start, w.end);
  sq.story = story;
  sq.limit = std::max(1, o.samples);
  if (Status s = q::build_story_activity(sq, activity); !s) return s;
  return q::build_story_documents(sq, docs);
}

// "YYYY-MM-DD hh:mm" at a fixed offset (the report's zone is China's, which has no DST).
std::string local_time(UnixSeconds t, UnixSeconds offset_seconds) {
  const std::string s = format_clickhouse_utc(t + offset_seconds);
  return s.substr(0, 16);
}

// The same kind, the message prefixed with the step that failed.
Status with_context(const Status& s, const std::string& what) {
  const std::string m = what + ": " + s.message();
  switch (s.kind()) {
    case Status::Kind::ok: return s;
    case Status::Kind::invalid: return Status::invalid(m);
    case Status::Kind::retry_later: return Status::retry_later(m);
    case Status::Kind::reject: return Status::reject(m);
    case Status::Kind::fatal: return Status::fatal(m);
  }
  return Status::fatal(m);
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

Status load_places(const std::string& places_yaml, std::string& district, std::vector<std::string>& out) {
  out.clear();
  try {
    const YAML::Node root = YAML::LoadFile(places_yaml);
    if (root["district"]) district = root["district"].as<std::string>();
    for (const auto& kv : root["places"]) out.push_back(kv.first.as<std::string>());
  } catch (const std::exception& e) {
    return Status::invalid(places_yaml + ": " + e.what());
  }
  return Status::ok();
}

Status report_statements(const Options& o, std::vector<std::string>& out) {
  Plan p;
  if (Status s = make_plan(o, p); !s) return s;
  out = {p.bounds, p.span_week, p.span_all, p.weeks, p.days, p.sentiment, p.sites, p.issue_week, p.issue_departments, p.stories,
         p.place_issues, p.board, p.crawl, p.site_kinds};
  std::string activity, docs;
  if (Status s = story_plan(o, p.w, "00000000000000000000000000000000", activity, docs); !s) return s;
  out.push_back(activity);
  out.push_back(docs);
  return Status::ok();
}

Status build_report(clickhouse::Client& client, const Options& o, Report& r) {
  Plan p;
  if (Status s = make_plan(o, p); !s) return s;
  r = {};
  r.district = o.district;
  r.week = p.w.label;
  r.start_day = p.w.start.substr(0, 10);
  r.end_day = p.w.end.substr(0, 10);
  r.timezone = o.timezone;
  const auto run = [&](const char* what, const std::string& sql, q::Table& t) -> Status {
    spdlog::info("report {}: {}", r.week, what);
    Status s = q::run(client, sql, t);
    return s ? s : with_context(s, what);
  };
  const Drill week_drill{r.start_day, r.end_day, {}};

  // 0. Enough data? Refuse before anything else, naming what is missing.
  q::Table span, span_all, issue_week;
  if (Status s = run("data in the week", p.span_week, span); !s) return s;
  const uint64_t in_week = span.rows.empty() ? 0 : u64(cell(span, span.rows[0], "documents"));
  if (in_week < o.min_documents) {
    if (Status s = run("data stored at all", p.span_all, span_all); !s) return s;
    const uint64_t total = span_all.rows.empty() ? 0 : u64(cell(span_all, span_all.rows[0], "documents"));
    std::string stored = total == 0 ? "the database holds no documents at all (run the pipeline or `yuqing sandbox --store`)"
                                    : "the database holds " + std::to_string(total) + " documents from " +
                                          cell(span_all, span_all.rows[0], "first_time") + " to " +
                                          cell(span_all, span_all.rows[0], "last_time");
    return Status::invalid("week " + r.week + " (" + r.start_day + " to " + r.end_day + " exclusive, " + o.timezone + ") has " +
                           std::to_string(in_week) + " stored documents; a report needs at least " +
                           std::to_string(o.min_documents) + " (--min-documents); " + stored);
  }
  if (Status s = run("issues of the week", p.issue_week, issue_week); !s) return s;
  if (issue_week.rows.empty())
    return Status::invalid("week " + r.week + " has " + std::to_string(in_week) +
                           " documents but none tagged with a policy issue: the processors' tags are missing (re-run `yuqing process`)");

  // The week as instants, and the zone's offset, for stored UTC times shown as local ones (China's
  // zone has no DST, so the offset at the week's start holds all week).
  q::Table bounds;
  if (Status s = run("week bounds", p.bounds, bounds); !s) return s;
  if (bounds.rows.empty()) return Status::fatal("week bounds: no answer");
  const UnixSeconds since = UnixSeconds(u64(cell(bounds, bounds.rows[0], "since")));
  const UnixSeconds until = UnixSeconds(u64(cell(bounds, bounds.rows[0], "until")));
  const UnixSeconds offset = parse_iso8601(p.w.start).value_or(since) - since;

  // 1. 总体态势
  auto& ov = r.overview;
  ov.drill = week_drill;
  q::Table weeks, days, sentiment, sites;
  if (Status s = run("weekly volume", p.weeks, weeks); !s) return s;
  const std::string this_monday = r.start_day, last_monday = p.w.previous_start.substr(0, 10);
  uint64_t baseline_sum = 0;
  int baseline_weeks = 0;  // of the four weeks before, those with stored documents
  for (const auto& row : weeks.rows) {
    const std::string& b = cell(weeks, row, "bucket");
    const uint64_t n = u64(cell(weeks, row, "documents")), neg = u64(cell(weeks, row, "negative"));
    if (b == this_monday) {
      ov.documents = n;
    } else if (n > 0) {
      baseline_sum += n;
      ++baseline_weeks;
      if (b == last_monday) {
        ov.last_week = n;
        ov.last_week_negative = neg;
      }
    }
  }
  ov.baseline_weeks = baseline_weeks;
  ov.mean_4w = baseline_weeks ? double(baseline_sum) / baseline_weeks : 0;
  if (Status s = run("daily volume", p.days, days); !s) return s;
  {
    std::map<std::string, DayPoint> by_day;
    for (const auto& row : days.rows) {
      DayPoint d{cell(days, row, "bucket"), u64(cell(days, row, "documents")), u64(cell(days, row, "negative"))};
      by_day[d.day] = d;
    }
    for (int64_t k = p.w.start_day - 28; k < p.w.start_day + 7; ++k) {
      const std::string day = format_day(k);
      auto it = by_day.find(day);
      ov.days.push_back(it == by_day.end() ? DayPoint{day, 0, 0} : it->second);
    }
  }
  if (Status s = run("sentiment mix", p.sentiment, sentiment); !s) return s;
  for (const auto& row : sentiment.rows) {
    const std::string& label = cell(sentiment, row, "sentiment");
    const uint64_t n = u64(cell(sentiment, row, "documents"));
    if (label == "negative") ov.negative = n;
    else if (label == "positive") ov.positive = n;
    else if (label == "neutral") ov.neutral = n;
    else ov.other += n;
  }
  if (Status s = run("sites", p.sites, sites); !s) return s;
  ov.sites = int(sites.rows.size());

  // 2. 热点议题
  q::Table deps;
  if (Status s = run("departments per issue", p.issue_departments, deps); !s) return s;
  std::map<std::string, std::vector<std::string>> issue_departments;  // rows come in rank order
  for (const auto& row : deps.rows) issue_departments[cell(deps, row, "issue")].push_back(cell(deps, row, "department"));
  for (const auto& row : issue_week.rows) {
    IssueRow i;
    i.name = cell(issue_week, row, "issue");
    i.documents = u64(cell(issue_week, row, "this_week"));
    i.last_week = u64(cell(issue_week, row, "last_week"));
    i.mean_4w = baseline_weeks ? double(u64(cell(issue_week, row, "baseline_4w"))) / baseline_weeks : 0;
    i.negative = u64(cell(issue_week, row, "negative"));
    i.sites = int(u64(cell(issue_week, row, "sites")));
    i.places = int(u64(cell(issue_week, row, "places")));
    i.departments = issue_departments[i.name];
    if (i.departments.size() > 4) i.departments.resize(4);
    i.drill = Drill{r.start_day, r.end_day, {{"issue", i.name}}};
    r.issues.push_back(std::move(i));
  }
  rank_issues(r);

  // Alerts of the week from the alert store (alerts/store.h); an absent or empty table: 本周无预警.
  {
    alerts::AlertFilter f;
    f.since = since;
    f.until = until;
    f.limit = 10000;
    std::vector<alerts::Alert> found;
    spdlog::info("report {}: alerts", r.week);
    if (Status s = alerts::list_alerts(client, f, found); !s) {
      spdlog::warn("report {}: alerts unavailable, the report shows none: {}", r.week, s.to_string());
    }
    for (const auto& x : found) {
      AlertRow a;
      a.id = x.id;
      a.fired_at = local_time(x.fired_at, offset);
      a.detector = x.detector;
      a.severity = alerts::chinese_label(x.severity);
      a.status = alerts::chinese_label(x.status);
      a.issue = x.issue;
      a.place = x.place;
      a.title = x.title;
      a.story = x.story;
      a.departments = x.departments;
      a.acknowledged = x.status != alerts::AlertStatus::open;
      a.closed = x.status == alerts::AlertStatus::closed;
      r.alerts.push_back(std::move(a));
    }
  }

  // 3. 重点事件
  q::Table stories;
  if (Status s = run("leading stories", p.stories, stories); !s) return s;
  for (const auto& row : stories.rows) {
    // A "story" whose documents span more than three policy issues is a stock phrase repeated under
    // unrelated items (a comment template such as 投诉了好几次), not an event.
    if (string_array(cell(stories, row, "issues")).size() > 3) {
      ++r.generic_stories;
      continue;
    }
    if (int(r.stories.size()) >= o.stories) break;
    Story st;
    st.id = cell(stories, row, "story");
    st.title = cell(stories, row, "title");
    st.first_seen = local_time(parse_iso8601(cell(stories, row, "first_seen")).value_or(0), offset);
    st.first_site = cell(stories, row, "first_site");
    st.documents = u64(cell(stories, row, "documents"));
    st.sites = int(u64(cell(stories, row, "sites")));
    st.issues = string_array(cell(stories, row, "issues"));
    st.places = string_array(cell(stories, row, "places"));
    // The story's primary issue: of its issues, the one ranked highest this week (r.issues is
    // sorted by pressure); its departments answer for the story.
    for (const auto& issue : r.issues)
      if (contains(st.issues, issue.name)) {
        st.primary_issue = issue.name;
        st.departments = issue.departments;
        break;
      }
    std::string activity_sql, docs_sql;
    if (Status s = story_plan(o, p.w, st.id, activity_sql, docs_sql); !s) return s;
    q::Table activity, docs;
    if (Status s = run("story timeline", activity_sql, activity); !s) return s;
    std::map<std::string, uint64_t> per_day, per_site;
    for (const auto& a : activity.rows) {
      per_day[cell(activity, a, "day")] += u64(cell(activity, a, "documents"));
      per_site[cell(activity, a, "site")] += u64(cell(activity, a, "documents"));
    }
    for (int64_t k = p.w.start_day; k < p.w.start_day + 7; ++k) st.timeline.push_back({format_day(k), per_day[format_day(k)]});
    for (const auto& [site, n] : per_site) st.spread.push_back({site, n});
    std::stable_sort(st.spread.begin(), st.spread.end(), [](const SiteCount& a, const SiteCount& b) { return a.documents > b.documents; });
    if (Status s = run("story documents", docs_sql, docs); !s) return s;
    for (const auto& d : docs.rows)
      st.samples.push_back({cell(docs, d, "time"), cell(docs, d, "site"), cell(docs, d, "kind"), cell(docs, d, "sentiment"),
                            cell(docs, d, "title"), cell(docs, d, "url")});
    // Untitled first documents (forum posts, comments): the opening of the earliest text stands in.
    if (st.title.empty() && !st.samples.empty()) st.title = st.samples.front().title;
    if (st.title.empty()) st.title = "（无标题）";
    for (const auto& a : r.alerts) {
      const bool same_story = !a.story.empty() && a.story == st.id;
      const bool same_topic = !a.issue.empty() && a.issue == st.primary_issue && (a.place.empty() || contains(st.places, a.place));
      if (same_story || same_topic) st.alerts.push_back(a);
    }
    st.drill = Drill{r.start_day, r.end_day, {{"story", st.id}}};
    r.stories.push_back(std::move(st));
  }

  // 4. 分区域
  q::Table places;
  if (Status s = run("places", p.place_issues, places); !s) return s;
  std::map<std::string, PlaceRow> by_place;
  for (const auto& row : places.rows) {
    const std::string& name = cell(places, row, "place");
    const std::string& topic = cell(places, row, "topic");
    PlaceRow& pr = by_place[name];
    pr.name = name;
    if (topic.empty()) {
      pr.documents = u64(cell(places, row, "documents"));
      pr.negative = u64(cell(places, row, "negative"));
    } else if (pr.top_issue.empty()) {  // rows come largest first within a place
      pr.top_issue = topic;
      pr.top_issue_documents = u64(cell(places, row, "documents"));
    }
  }
  std::vector<std::string> names = o.places;
  if (names.empty())
    for (const auto& [name, _] : by_place) names.push_back(name);
  for (const auto& name : names) {
    PlaceRow pr = by_place.count(name) ? by_place[name] : PlaceRow{};
    pr.name = name;
    pr.drill = Drill{r.start_day, r.end_day, {{"place", name}}};
    r.places.push_back(std::move(pr));
  }

  // 5. 部门回应
  q::Table board;
  if (Status s = run("message board", p.board, board); !s) return s;
  std::map<std::string, DepartmentRow> by_dept;
  r.board.deadline_days = o.deadline_days;
  for (const auto& row : board.rows) {
    const std::string& name = cell(board, row, "department");
    const uint64_t messages = u64(cell(board, row, "messages")), replied = u64(cell(board, row, "replied"));
    const uint64_t late = u64(cell(board, row, "late")), unanswered = u64(cell(board, row, "unanswered"));
    const double median = f64(cell(board, row, "median_reply_hours"));
    if (name.empty()) {
      r.board.site = cell(board, row, "site");
      r.board.messages = messages;
      r.board.replied = replied;
      r.board.late = late;
      r.board.unanswered = unanswered;
      r.board.median_reply_hours = median;
      r.board.drill = Drill{r.start_day, r.end_day, {{"site", r.board.site}, {"kind", "message"}}};
    } else {
      DepartmentRow& d = by_dept[name];
      d.name = name;
      d.messages = messages;
      d.replied = replied;
      d.late = late;
      d.unanswered = unanswered;
      d.median_reply_hours = median;
    }
  }
  for (const auto& a : r.alerts) {
    for (const auto& dep : a.departments) {
      DepartmentRow& d = by_dept[dep];
      d.name = dep;
      ++d.alerts;
      d.acknowledged += a.acknowledged ? 1 : 0;
      d.closed += a.closed ? 1 : 0;
    }
  }
  for (auto& [_, d] : by_dept) r.departments.push_back(d);
  std::stable_sort(r.departments.begin(), r.departments.end(), [](const DepartmentRow& a, const DepartmentRow& b) {
    if (a.alerts != b.alerts) return a.alerts > b.alerts;
    if (a.messages != b.messages) return a.messages > b.messages;
    return a.name < b.name;
  });

  // 7. 附录: coverage per source
  q::Table crawl, kinds;
  if (Status s = run("crawl health", p.crawl, crawl); !s) return s;
  if (Status s = run("documents per site", p.site_kinds, kinds); !s) return s;
  std::map<std::string, Coverage> cov;
  for (const auto& row : kinds.rows) {
    Coverage& c = cov[cell(kinds, row, "site")];
    c.source = cell(kinds, row, "site");
    const uint64_t n = u64(cell(kinds, row, "documents"));
    c.documents += n;
    c.kinds += (c.kinds.empty() ? "" : "，") + cell(kinds, row, "kind") + " " + std::to_string(n);
  }
  for (const auto& row : crawl.rows) {
    Coverage& c = cov[cell(crawl, row, "source")];
    c.source = cell(crawl, row, "source");
    c.crawl_health = true;
    c.fetched = u64(cell(crawl, row, "pages"));
    c.crawled_documents = u64(cell(crawl, row, "docs"));
    c.failed = u64(cell(crawl, row, "failures"));
    c.last_success = cell(crawl, row, "last_ok");
  }
  for (auto& [_, c] : cov) r.coverage.push_back(c);

  // 6. 关注建议, last: it reads every figure above.
  r.recommendations = recommend(r);
  spdlog::info("report {}: {} documents, {} issues, {} stories, {} alerts", r.week, ov.documents, r.issues.size(), r.stories.size(),
               r.alerts.size());
  return Status::ok();
}

}  // namespace yuqing::reports
