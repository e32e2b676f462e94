#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "storage/queries/queries.h"

namespace yuqing::cli {
namespace {

// Options shared by the trend-style subcommands; filled by CLI11, turned into queries::Common.
struct CommonArgs {
  std::vector<std::pair<queries::Dimension, std::string>> filters;
  std::string since;
  std::string until;
  std::string timezone = "Asia/Shanghai";
  std::string format = "table";
  bool print_sql = false;
  bool exact = false;
};

void add_common(CLI::App* cmd, const std::shared_ptr<CommonArgs>& a, const std::string& default_since, bool with_filters = true) {
  if (with_filters) {
    for (const char* name : {"issue", "category", "place", "site", "intent", "sentiment"}) {
      const auto d = *queries::dimension_from_string(name);
      cmd->add_option_function<std::string>(
          std::string("--") + name, [a, d](const std::string& v) { a->filters.emplace_back(d, v); },
          std::string("only documents whose ") + name + " is this (a stored value, or an unambiguous part of one)");
    }
    cmd->add_flag("--exact", a->exact, "take filter values as given instead of matching them to stored values");
  }
  a->since = default_since;
  cmd->add_option("--since", a->since, "start: 30d, 12h, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (local time)")->capture_default_str();
  cmd->add_option("--until", a->until, "end (exclusive), same forms; default: now");
  cmd->add_option("--tz", a->timezone, "time zone for local dates and buckets")->capture_default_str();
  cmd->add_option("--format", a->format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
  cmd->add_flag("--sql", a->print_sql, "print the SQL instead of running it (filter values are not matched)");
}

Status to_common(clickhouse::Client* client, const CommonArgs& a, queries::Common& c) {
  c.timezone = a.timezone;
  const UnixSeconds now = now_seconds();
  if (!a.since.empty()) {
    queries::TimeBound b;
    if (Status s = queries::parse_time_bound(a.since, now, b); !s) return s;
    c.window.since = b;
  }
  if (!a.until.empty()) {
    queries::TimeBound b;
    if (Status s = queries::parse_time_bound(a.until, now, b); !s) return s;
    c.window.until = b;
  }
  for (const auto& [d, v] : a.filters) {
    std::string value = v;
    if (client && !a.exact)
      if (Status s = queries::resolve_value(*client, d, v, value); !s) return s;
    c.filter.equals.emplace_back(d, value);
  }
  return Status::ok();
}

// Terminal columns a UTF-8 string takes: CJK and full-width forms are two columns wide.
size_t display_width(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = n == 1 ? c : c & (0x3f >> (n - 1));
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
                      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
    i += n;
  }
  return width;
}

// At most `max` display columns, with an ellipsis when cut.
std::string clip(const std::string& s, size_t max) {
  if (display_width(s) <= max) return s;
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    const std::string ch = s.substr(i, n);
    const size_t w = display_width(ch);
    if (width + w + 1 > max) break;
    out += ch;
    width += w;
    i += n;
  }
  return out + "…";
}

bool is_numeric_type(const std::string& type) {
  return type.rfind("UInt", 0) == 0 || type.rfind("Int", 0) == 0 || type.rfind("Float", 0) == 0;
}

// ClickHouse's text form of Array(String) ("['a','b\'c']") as a JSON array.
nlohmann::json string_array(const std::string& text) {
  nlohmann::json out = nlohmann::json::array();
  std::string current;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_string) {
      if (c == '\'') in_string = true;
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) {
      current.push_back(text[++i]);
    } else if (c == '\'') {
      out.push_back(current);
      current.clear();
      in_string = false;
    } else {
      current.push_back(c);
    }
  }
  return out;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

void print(const queries::Table& t, const std::string& format) {
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : t.rows) {
      nlohmann::json row = nlohmann::json::object();
      for (size_t i = 0; i < t.columns.size() && i < r.size(); ++i) {
        const std::string& type = i < t.types.size() ? t.types[i] : "String";
        if (is_numeric_type(type)) row[t.columns[i]] = nlohmann::json::parse(r[i], nullptr, false);
        else if (type == "Array(String)") row[t.columns[i]] = string_array(r[i]);
        else row[t.columns[i]] = r[i];
      }
      rows.push_back(row);
    }
    std::cout << rows.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (format == "csv") {
    for (size_t i = 0; i < t.columns.size(); ++i) std::cout << (i ? "," : "") << csv_cell(t.columns[i]);
    std::cout << "\n";
    for (const auto& r : t.rows) {
      for (size_t i = 0; i < r.size(); ++i) std::cout << (i ? "," : "") << csv_cell(r[i]);
      std::cout << "\n";
    }
    return;
  }
  constexpr size_t kMaxColumn = 48;
  std::vector<size_t> widths;
  for (const auto& c : t.columns) widths.push_back(display_width(c));
  for (const auto& r : t.rows)
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], std::min(kMaxColumn, display_width(r[i])));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      const std::string cell = clip(cells[i], widths[i]);
      const std::string pad(widths[i] - display_width(cell), ' ');
      const bool right = i < t.types.size() && is_numeric_type(t.types[i]);
      out += (i ? "  " : "") + (right ? pad + cell : cell + (i + 1 < cells.size() ? pad : ""));
    }
    std::cout << out << "\n";
  };
  line(t.columns);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& r : t.rows) line(r);
  if (t.rows.empty()) std::cout << "(no rows)\n";
}

// Builds (with `build`) and prints or runs one query; `fill` turns parsed options into the query.
template <typename Query>
void run_query(Context& ctx, const std::string& name, const CommonArgs& a, Query q,
               Status (*build)(const Query&, std::string&)) {
  const Config& c = ctx.start("query");
  clickhouse::Client client(c.clickhouse);
  if (Status s = to_common(a.print_sql ? nullptr : &client, a, q.common); !s) {
    ctx.exit_code = report(s, "query " + name);
    return;
  }
  std::string sql;
  if (Status s = build(q, sql); !s) {
    ctx.exit_code = report(s, "query " + name);
    return;
  }
  if (a.print_sql) {
    std::cout << sql << ";\n";
    return;
  }
  queries::Table table;
  if (Status s = queries::run(client, sql, table); !s) {
    ctx.exit_code = report(s, "query " + name);
    return;
  }
  print(table, a.format);
}

}  // namespace

void add_query_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "query",
      "Ask the stored documents questions (analysts' queries). Every count is of distinct documents.\n"
      "Examples:\n"
      "  yuqing query trend --issue 老旧小区改造 --place 运河街道 --since 30d --by day\n"
      "  yuqing query top-issues --week 2026-W48\n"
      "  yuqing query docs --issue 教育 --sentiment negative --since 2026-11-20 --until 2026-11-21");
  cmd->require_subcommand(1);

  auto* count = cmd->add_subcommand("count", "Print the number of distinct stored documents.");
  auto count_sql = std::make_shared<bool>(false);
  count->add_flag("--sql", *count_sql, "print the SQL instead of running it");
  count->callback([&ctx, count_sql] {
    if (*count_sql) {
      std::cout << queries::kCountDocumentsSql << ";\n";
      return;
    }
    const Config& c = ctx.start("query");
    clickhouse::Client client(c.clickhouse);
    uint64_t n = 0;
    if (Status s = queries::count_documents(client, n); !s) {
      ctx.exit_code = report(s, "query count");
      return;
    }
    std::cout << n << "\n";
  });

  auto* summary = cmd->add_subcommand("summary", "Distinct stored documents by site and kind, as a table.");
  auto summary_sql = std::make_shared<bool>(false);
  summary->add_flag("--sql", *summary_sql, "print the SQL instead of running it");
  summary->callback([&ctx, summary_sql] {
    if (*summary_sql) {
      std::cout << queries::kCountBySiteAndKindSql << ";\n";
      return;
    }
    const Config& c = ctx.start("query");
    clickhouse::Client client(c.clickhouse);
    std::vector<queries::GroupCount> rows;
    if (Status s = queries::count_by_site_and_kind(client, rows); !s) {
      ctx.exit_code = report(s, "query summary");
      return;
    }
    std::printf("%-24s %-10s %10s\n", "site", "kind", "documents");
    for (const auto& r : rows) std::printf("%-24s %-10s %10llu\n", r.site.c_str(), r.kind.c_str(), (unsigned long long)r.documents);
  });

  {
    auto* trend = cmd->add_subcommand("trend", "Volume and negative share per day (hour, week, month), optionally split by a dimension.");
    auto a = std::make_shared<CommonArgs>();
    auto by = std::make_shared<std::string>("day");
    auto split = std::make_shared<std::string>();
    add_common(trend, a, "30d");
    trend->add_option("--by", *by, "bucket: hour, day, week or month")->check(CLI::IsMember({"hour", "day", "week", "month"}))->capture_default_str();
    trend->add_option("--split", *split, "one row per bucket and value of: issue, category, place, site, intent, sentiment")
        ->check(CLI::IsMember({"issue", "category", "place", "site", "intent", "sentiment"}));
    trend->callback([&ctx, a, by, split] {
      queries::TrendQuery q;
      q.by = *queries::granularity_from_string(*by);
      if (!split->empty()) q.split = queries::dimension_from_string(*split);
      run_query(ctx, "trend", *a, q, &queries::build_trend);
    });
  }
  {
    auto* top = cmd->add_subcommand("top-issues", "Policy issues ranked by their rise in documents over the previous week.");
    auto a = std::make_shared<CommonArgs>();
    auto week = std::make_shared<std::string>();
    auto limit = std::make_shared<int>(10);
    add_common(top, a, "");
    top->add_option("--week", *week, "ISO week, e.g. 2026-W48 (default: the current week)");
    top->add_option("--limit", *limit, "rows")->capture_default_str();
    top->callback([&ctx, a, week, limit] {
      queries::TopIssuesQuery q;
      q.limit = *limit;
      std::string w = *week;
      if (w.empty()) {
        // The current week on China Standard Time, the district's calendar.
        queries::iso_week_of_day((now_seconds() + 8 * 3600) / 86400, q.iso_year, q.iso_week);
      } else if (Status s = queries::parse_iso_week(w, q.iso_year, q.iso_week); !s) {
        ctx.exit_code = report(s, "query top-issues");
        return;
      }
      run_query(ctx, "top-issues", *a, q, &queries::build_top_issues);
    });
  }
  {
    auto* kw = cmd->add_subcommand("keywords", "Top keywords in a window, or with --emerging the fastest-rising ones.");
    auto a = std::make_shared<CommonArgs>();
    auto q = std::make_shared<queries::KeywordsQuery>();
    add_common(kw, a, "7d", false);
    kw->add_flag("--emerging", q->emerging, "rank by rise: the last --recent days against the --baseline days before");
    kw->add_option("--recent", q->recent_days, "days")->capture_default_str();
    kw->add_option("--baseline", q->baseline_days, "days")->capture_default_str();
    kw->add_option("--min-documents", q->min_documents, "ignore terms in fewer recent documents")->capture_default_str();
    kw->add_option("--limit", q->limit, "rows")->capture_default_str();
    kw->callback([&ctx, a, q] { run_query(ctx, "keywords", *a, *q, &queries::build_keywords); });
  }
  {
    auto* st = cmd->add_subcommand("stories", "Stories (groups of duplicate and near-duplicate documents) with documents in the window, by\n"
                                     "their documents (size) or sites (spread) in the window; first seen, first site, title, places\n"
                                     "and issues are the whole story's.");
    auto a = std::make_shared<CommonArgs>();
    auto order = std::make_shared<std::string>("size");
    auto limit = std::make_shared<int>(20);
    add_common(st, a, "7d");
    st->add_option("--order", *order, "size (distinct documents in the window) or spread (distinct sites)")->check(CLI::IsMember({"size", "spread"}))->capture_default_str();
    st->add_option("--limit", *limit, "rows")->capture_default_str();
    st->callback([&ctx, a, order, limit] {
      queries::StoriesQuery q;
      q.order = *order == "spread" ? queries::StoryOrder::spread : queries::StoryOrder::size;
      q.limit = *limit;
      run_query(ctx, "stories", *a, q, &queries::build_stories);
    });
  }
  {
    auto* docs = cmd->add_subcommand("docs", "The documents behind a number: same filters and window, newest first.");
    auto a = std::make_shared<CommonArgs>();
    auto limit = std::make_shared<int>(20);
    add_common(docs, a, "30d");
    docs->add_option("--limit", *limit, "rows")->capture_default_str();
    docs->callback([&ctx, a, limit] {
      queries::DocsQuery q;
      q.limit = *limit;
      run_query(ctx, "docs", *a, q, &queries::build_docs);
    });
  }
}

}  // namespace yuqing::cli
