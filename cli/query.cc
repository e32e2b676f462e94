#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/log.h"
#include "storage/queries/queries.h"
#include "storage/queries/request.h"

namespace yuqing::cli {
namespace {

// Options shared by the trend-style subcommands: every option given becomes a (name, value)
// parameter, read and validated by storage/queries/request.h exactly as the API reads its query
// string (defaults live there too).
struct CommonArgs {
  queries::Params params;
  std::string format = "table";
  bool print_sql = false;
};

// An option whose value is appended to the parameters under `name`.
void add_param(CLI::App* cmd, const std::shared_ptr<CommonArgs>& a, const std::string& name, const std::string& help) {
  cmd->add_option_function<std::string>("--" + name, [a, name](const std::string& v) { a->params.emplace_back(name, v); }, help);
}
void add_param_flag(CLI::App* cmd, const std::shared_ptr<CommonArgs>& a, const std::string& name, const std::string& help) {
  cmd->add_flag_function("--" + name, [a, name](int64_t) { a->params.emplace_back(name, "true"); }, help);
}

void add_common(CLI::App* cmd, const std::shared_ptr<CommonArgs>& a, const std::string& default_since, bool with_filters = true) {
  if (with_filters) {
    for (const char* name : {"issue", "category", "place", "site", "intent", "sentiment"})
      add_param(cmd, a, name, std::string("only documents whose ") + name + " is this (a stored value, or an unambiguous part of one)");
    add_param_flag(cmd, a, "exact", "take filter values as given instead of matching them to stored values");
  }
  add_param(cmd, a, "since", "start: 30d, 12h, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (local time)" +
                                 (default_since.empty() ? std::string() : "; default: " + default_since));
  add_param(cmd, a, "until", "end (exclusive), same forms; default: now");
  add_param(cmd, a, "tz", "time zone for local dates and buckets; default: Asia/Shanghai");
  cmd->add_option("--format", a->format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
  cmd->add_flag("--sql", a->print_sql, "print the SQL instead of running it (filter values are not matched)");
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
    std::cout << queries::table_json(t).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
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

// Reads the parameters (with `parse`, the API's code too), matches filter values to stored ones,
// builds (with `build`) and prints or runs one query.
template <typename Query>
void run_query(Context& ctx, const std::string& name, const CommonArgs& a,
               Status (*parse)(const queries::Params&, UnixSeconds, Query&, queries::RequestOptions&),
               Status (*build)(const Query&, std::string&)) {
  Query q;
  queries::RequestOptions o;
  if (Status s = parse(a.params, now_seconds(), q, o); !s) {
    init_logging("query", ctx.log_level);
    ctx.exit_code = report(s, "query " + name);
    return;
  }
  const Config& c = ctx.start("query");
  clickhouse::Client client(c.clickhouse);
  std::string sql;
  Status s = a.print_sql ? Status::ok() : queries::resolve_filters(client, o, q.common);
  if (s) s = build(q, sql);
  if (!s) {
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
    add_common(trend, a, "30d");
    add_param(trend, a, "by", "bucket: hour, day, week or month; default: day");
    add_param(trend, a, "split", "one row per bucket and value of: issue, category, place, site, intent, sentiment");
    trend->callback([&ctx, a] { run_query(ctx, "trend", *a, &queries::trend_from_params, &queries::build_trend); });
  }
  {
    auto* top = cmd->add_subcommand("top-issues", "Policy issues ranked by their rise in documents over the previous week.");
    auto a = std::make_shared<CommonArgs>();
    add_common(top, a, "");
    add_param(top, a, "week", "ISO week, e.g. 2026-W48 (default: the current week)");
    add_param(top, a, "limit", "rows; default: 10");
    top->callback([&ctx, a] { run_query(ctx, "top-issues", *a, &queries::top_issues_from_params, &queries::build_top_issues); });
  }
  {
    auto* kw = cmd->add_subcommand("keywords", "Top keywords in a window, or with --emerging the fastest-rising ones.");
    auto a = std::make_shared<CommonArgs>();
    add_common(kw, a, "7d", false);
    add_param_flag(kw, a, "emerging", "rank by rise: the last --recent days against the --baseline days before");
    add_param(kw, a, "recent", "days; default: 7");
    add_param(kw, a, "baseline", "days; default: 28");
    add_param(kw, a, "min-documents", "ignore terms in fewer recent documents; default: 3");
    add_param(kw, a, "limit", "rows; default: 20");
    kw->callback([&ctx, a] { run_query(ctx, "keywords", *a, &queries::keywords_from_params, &queries::build_keywords); });
  }
  {
    auto* st = cmd->add_subcommand("stories", "Stories (groups of duplicate and near-duplicate documents) with documents in the window, by\n"
                                     "their documents (size) or sites (spread) in the window; first seen, first site, title, places\n"
                                     "and issues are the whole story's.");
    auto a = std::make_shared<CommonArgs>();
    add_common(st, a, "7d");
    add_param(st, a, "order", "size (distinct documents in the window) or spread (distinct sites); default: size");
    add_param(st, a, "limit", "rows; default: 20");
    st->callback([&ctx, a] { run_query(ctx, "stories", *a, &queries::stories_from_params, &queries::build_stories); });
  }
  {
    auto* docs = cmd->add_subcommand("docs", "The documents behind a number: same filters and window, newest first.");
    auto a = std::make_shared<CommonArgs>();
    add_common(docs, a, "30d");
    add_param(docs, a, "kind", "only documents of this kind: article, comment, message, reply or post");
    add_param(docs, a, "limit", "rows; default: 20");
    add_param(docs, a, "offset", "skip this many rows first (paging); default: 0");
    add_param(docs, a, "story", "only the documents of this story (an id from `query stories`)");
    add_param(docs, a, "keyword", "only the documents with this keyword (as `query keywords` counts them)");
    docs->callback([&ctx, a] { run_query(ctx, "docs", *a, &queries::docs_from_params, &queries::build_docs); });
  }
}

}  // namespace yuqing::cli
