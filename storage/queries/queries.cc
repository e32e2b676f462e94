#include "storage/queries/queries.h"

#include <algorithm>
#include <array>
#include <sstream>

namespace yuqing::queries {
namespace {

using clickhouse::quote;

struct DimensionInfo {
  Dimension dimension;
  const char* name;
  const char* rollup_column;    // in rollup_hourly
  const char* document_column;  // in documents
  bool document_array;          // documents holds an Array(String): filter with has()
};

constexpr std::array kDimensions = {
    DimensionInfo{Dimension::issue, "issue", "issue", "issues", true},
    DimensionInfo{Dimension::category, "category", "category", "category_l1", false},
    DimensionInfo{Dimension::place, "place", "place", "places", true},
    DimensionInfo{Dimension::site, "site", "site", "site", false},
    DimensionInfo{Dimension::intent, "intent", "intent", "intent", false},
    DimensionInfo{Dimension::sentiment, "sentiment", "sentiment", "sentiment_label", false},
};

const DimensionInfo& info(Dimension d) {
  return *std::find_if(kDimensions.begin(), kDimensions.end(), [d](const auto& i) { return i.dimension == d; });
}

Status check_value(const std::string& what, const std::string& v) {
  if (v.empty()) return Status::invalid(what + ": empty value");
  if (v.size() > 256) return Status::invalid(what + ": longer than 256 bytes");
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return Status::invalid(what + ": control characters are not allowed");
  return Status::ok();
}

Status check_timezone(const std::string& tz) {
  if (tz.empty() || tz.size() > 64) return Status::invalid("time zone: expected an IANA name such as Asia/Shanghai");
  for (char c : tz)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+'))
      return Status::invalid("time zone '" + tz + "': expected an IANA name such as Asia/Shanghai");
  return Status::ok();
}

Status check_limit(int limit) {
  if (limit < 1 || limit > 10000) return Status::invalid("limit: must be between 1 and 10000");
  return Status::ok();
}

// A local date-time made only of digits in fixed places, so it is safe as a literal.
bool is_local_datetime(std::string_view s) {
  static constexpr std::string_view kPattern = "dddd-dd-dd dd:dd:dd";
  if (s.size() != kPattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (kPattern[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != kPattern[i]) return false;
  }
  return true;
}

std::string instant_sql(const TimeBound& b, const std::string& tz) {
  if (b.instant) return "toDateTime(" + std::to_string(*b.instant) + ", 'UTC')";
  return "toDateTime(" + quote(b.local) + ", " + quote(tz) + ")";
}

Status check_common(const Common& c) {
  if (Status s = check_timezone(c.timezone); !s) return s;
  for (const auto& [d, v] : c.filter.equals)
    if (Status s = check_value(std::string("--") + to_string(d), v); !s) return s;
  for (const auto* b : {&c.window.since, &c.window.until})
    if (*b && !(*b)->instant && !is_local_datetime((*b)->local))
      return Status::invalid("time bound '" + (*b)->local + "': expected YYYY-MM-DD HH:MM:SS");
  return Status::ok();
}

// WHERE conditions over `time_column` and the filter, for rollup_hourly or documents.
std::string conditions(const Common& c, const std::string& time_column, bool on_documents) {
  std::vector<std::string> parts;
  if (c.window.since) parts.push_back(time_column + " >= " + instant_sql(*c.window.since, c.timezone));
  if (c.window.until) parts.push_back(time_column + " < " + instant_sql(*c.window.until, c.timezone));
  for (const auto& [d, v] : c.filter.equals) {
    const auto& i = info(d);
    if (!on_documents) {
      parts.push_back(std::string(i.rollup_column) + " = " + quote(v));
    } else if (i.document_array) {
      parts.push_back(std::string("has(") + i.document_column + ", " + quote(v) + ")");
    } else {
      parts.push_back(std::string(i.document_column) + " = " + quote(v));
    }
  }
  if (parts.empty()) return "1";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " AND ") + p;
  return out;
}

std::string bucket_sql(Granularity g, const std::string& tz) {
  const std::string z = quote(tz);
  switch (g) {
    case Granularity::hour: return "toString(hour, " + z + ")";
    case Granularity::day: return "toString(toDate(hour, " + z + "))";
    case Granularity::week: return "toString(toMonday(hour, " + z + "))";
    case Granularity::month: return "toString(toStartOfMonth(hour, " + z + "))";
  }
  return {};
}

std::string unescape_tsv(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    switch (s[++i]) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case '0': out.push_back('\0'); break;
      default: out.push_back(s[i]); break;
    }
  }
  return out;
}

std::vector<std::string> split_tsv_line(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    cells.push_back(unescape_tsv(std::string_view(line).substr(start, tab == std::string::npos ? std::string::npos : tab - start)));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cells;
}

// Unicode code points of a UTF-8 string (invalid bytes pass as themselves).
std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = n == 1 ? c : c & (0x3f >> (n - 1));
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool is_subsequence(const std::vector<char32_t>& needle, const std::vector<char32_t>& hay) {
  size_t j = 0;
  for (size_t i = 0; i < hay.size() && j < needle.size(); ++i)
    if (hay[i] == needle[j]) ++j;
  return j == needle.size();
}

}  // namespace

const char* const kCountDocumentsSql = "SELECT uniqExact(id) FROM documents";
const char* const kCountBySiteAndKindSql =
    "SELECT site, kind, uniqExact(id) AS n FROM documents GROUP BY site, kind ORDER BY n DESC, site, kind";

Status count_documents(clickhouse::Client& client, uint64_t& count) {
  auto r = client.execute(std::string(kCountDocumentsSql) + " FORMAT TabSeparated");
  if (!r.status) return r.status;
  try {
    count = std::stoull(r.body);
  } catch (const std::exception&) {
    return Status::invalid("unexpected answer to count: '" + r.body + "'");
  }
  return Status::ok();
}

Status count_by_site_and_kind(clickhouse::Client& client, std::vector<GroupCount>& out) {
  auto r = client.execute(std::string(kCountBySiteAndKindSql) + " FORMAT TabSeparated");
  if (!r.status) return r.status;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    GroupCount g;
    std::getline(fields, g.site, '\t');
    std::getline(fields, g.kind, '\t');
    fields >> g.documents;
    out.push_back(g);
  }
  return Status::ok();
}

std::optional<Dimension> dimension_from_string(std::string_view name) {
  for (const auto& i : kDimensions)
    if (name == i.name) return i.dimension;
  return std::nullopt;
}

const char* to_string(Dimension d) { return info(d).name; }

std::optional<Granularity> granularity_from_string(std::string_view name) {
  if (name == "hour") return Granularity::hour;
  if (name == "day") return Granularity::day;
  if (name == "week") return Granularity::week;
  if (name == "month") return Granularity::month;
  return std::nullopt;
}

Status parse_time_bound(std::string_view text, UnixSeconds now, TimeBound& out) {
  out = {};
  const auto bad = [&] {
    return Status::invalid("time '" + std::string(text) +
                           "': expected 30d, 12h, 90m, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]");
  };
  if (text.size() >= 2 && std::all_of(text.begin(), text.end() - 1, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 7) return bad();
    const int64_t n = std::stoll(std::string(text.substr(0, text.size() - 1)));
    const char unit = text.back();
    const int64_t seconds = unit == 'd' ? 86400 : unit == 'h' ? 3600 : unit == 'm' ? 60 : 0;
    if (seconds == 0) return bad();
    out.instant = now - n * seconds;
    return Status::ok();
  }
  std::string local(text);
  if (local.size() == 10) local += " 00:00:00";
  else if (local.size() == 16) local += ":00";
  if (!is_local_datetime(local)) return bad();
  const int month = std::stoi(local.substr(5, 2)), day = std::stoi(local.substr(8, 2));
  const int hour = std::stoi(local.substr(11, 2)), minute = std::stoi(local.substr(14, 2)), second = std::stoi(local.substr(17, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return bad();
  out.local = local;
  return Status::ok();
}

Status parse_iso_week(std::string_view text, int& year, int& week) {
  const auto bad = [&] { return Status::invalid("week '" + std::string(text) + "': expected YYYY-Www, e.g. 2026-W48"); };
  if (text.size() != 8 || text[4] != '-' || (text[5] != 'W' && text[5] != 'w')) return bad();
  for (size_t i : {0, 1, 2, 3, 6, 7})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
  year = std::stoi(std::string(text.substr(0, 4)));
  week = std::stoi(std::string(text.substr(6, 2)));
  const int64_t weeks_in_year = (iso_week1_monday(year + 1) - iso_week1_monday(year)) / 7;
  if (week < 1 || week > weeks_in_year)
    return Status::invalid("week '" + std::string(text) + "': " + std::to_string(year) + " has " +
                           std::to_string(weeks_in_year) + " ISO weeks");
  return Status::ok();
}

Status build_trend(const TrendQuery& q, std::string& sql) {
  if (Status s = check_common(q.common); !s) return s;
  const std::string bucket = bucket_sql(q.by, q.common.timezone);
  const std::string split = q.split ? std::string(info(*q.split).rollup_column) : "";
  sql = "SELECT " + bucket + " AS bucket, " + (split.empty() ? "" : split + ", ") +
        "uniqExactMerge(ids_state) AS documents, "
        "uniqExactMergeIf(ids_state, sentiment = 'negative') AS negative, "
        "round(if(documents = 0, 0, negative / documents), 4) AS negative_share\n"
        "FROM rollup_hourly\nWHERE " +
        conditions(q.common, "hour", false) + "\nGROUP BY bucket" + (split.empty() ? "" : ", " + split) +
        "\nORDER BY bucket" + (split.empty() ? "" : ", documents DESC, " + split);
  return Status::ok();
}

Status build_top_issues(const TopIssuesQuery& q, std::string& sql) {
  if (Status s = check_common(q.common); !s) return s;
  if (Status s = check_limit(q.limit); !s) return s;
  if (q.iso_week < 1 || q.iso_week > 53) return Status::invalid("week: must be between 1 and 53");
  const int64_t monday = iso_week1_monday(q.iso_year) + 7 * int64_t(q.iso_week - 1);
  const std::string tz = quote(q.common.timezone);
  const auto at = [&](int64_t days) { return "toDateTime('" + format_day(days) + " 00:00:00', " + tz + ")"; };
  Common c = q.common;
  c.window = {};
  sql = "SELECT issue, "
        "uniqExactMergeIf(ids_state, hour >= " + at(monday) + ") AS this_week, "
        "uniqExactMergeIf(ids_state, hour < " + at(monday) + ") AS last_week, "
        "toInt64(this_week) - toInt64(last_week) AS change, "
        "round((this_week + 1) / (last_week + 1), 2) AS growth, "
        "round(if(this_week = 0, 0, uniqExactMergeIf(ids_state, hour >= " + at(monday) +
        " AND sentiment = 'negative') / this_week), 4) AS negative_share\n"
        "FROM rollup_hourly\nWHERE hour >= " + at(monday - 7) + " AND hour < " + at(monday + 7) +
        " AND issue != '' AND " + conditions(c, "hour", false) +
        "\nGROUP BY issue\nORDER BY change DESC, this_week DESC, issue\nLIMIT " + std::to_string(q.limit);
  return Status::ok();
}

Status build_keywords(const KeywordsQuery& q, std::string& sql) {
  if (Status s = check_common(q.common); !s) return s;
  if (Status s = check_limit(q.limit); !s) return s;
  if (!q.common.filter.equals.empty()) return Status::invalid("keywords: filters are not supported (keyword_daily has none)");
  const std::string tz = quote(q.common.timezone);
  const std::string until = q.common.window.until ? "toDate(" + instant_sql(*q.common.window.until, q.common.timezone) + ", " + tz + ")"
                                                  : "today()";
  if (!q.emerging) {
    const std::string since = q.common.window.since
                                  ? "toDate(" + instant_sql(*q.common.window.since, q.common.timezone) + ", " + tz + ")"
                                  : "toDate('1970-01-02')";
    sql = "SELECT keyword, uniqExactMerge(ids_state) AS documents\nFROM keyword_daily\nWHERE day >= " + since +
          " AND day <= " + until + "\nGROUP BY keyword\nORDER BY documents DESC, keyword\nLIMIT " + std::to_string(q.limit);
    return Status::ok();
  }
  if (q.recent_days < 1 || q.recent_days > 366 || q.baseline_days < 1 || q.baseline_days > 3660)
    return Status::invalid("emerging: recent days must be 1..366 and baseline days 1..3660");
  if (q.min_documents < 1) return Status::invalid("emerging: minimum documents must be at least 1");
  const std::string recent_start = "(" + until + " - " + std::to_string(q.recent_days - 1) + ")";
  const std::string baseline_start = "(" + recent_start + " - " + std::to_string(q.baseline_days) + ")";
  sql = "SELECT keyword, uniqExactMergeIf(ids_state, day >= " + recent_start + ") AS recent, "
        "uniqExactMergeIf(ids_state, day < " + recent_start + ") AS baseline, "
        "round((recent / " + std::to_string(q.recent_days) + ") / ((baseline + 1) / " + std::to_string(q.baseline_days) +
        "), 2) AS lift\nFROM keyword_daily\nWHERE day >= " + baseline_start + " AND day <= " + until +
        "\nGROUP BY keyword\nHAVING recent >= " + std::to_string(q.min_documents) +
        "\nORDER BY lift DESC, recent DESC, keyword\nLIMIT " + std::to_string(q.limit);
  return Status::ok();
}

// Two phases, so that the cost follows the window, not the whole history: first the stories of
// the documents in the window, ranked by what they did in it (distinct documents, distinct sites)
// (no per-story id sets: at 10 million documents merging every story's states needed more than
// 4 GB); then the whole-story states (first seen, first site, title, all
// places and issues) merged only for the stories that made the list.
Status build_stories(const StoriesQuery& q, std::string& sql) {
  if (Status s = check_common(q.common); !s) return s;
  if (Status s = check_limit(q.limit); !s) return s;
  for (const auto& [d, v] : q.common.filter.equals)
    if (d != Dimension::issue && d != Dimension::place)
      return Status::invalid(std::string("stories: cannot filter by ") + to_string(d) + " (issue and place only)");
  const std::string order = q.order == StoryOrder::size ? "documents DESC, sites DESC" : "sites DESC, documents DESC";
  // One row per document in the window (replays collapsed), then one per story.
  const std::string ranked =
      "SELECT story, count() AS documents, uniqExact(site) AS sites, min(t) AS first_in_window\n"
      "  FROM (SELECT id, any(if(story_id != '', story_id, if(content_hash != '', content_hash, id))) AS story,\n"
      "               any(site) AS site, min(event_time) AS t\n"
      "        FROM documents\n"
      "        WHERE " + conditions(q.common, "event_time", true) + "\n"
      "        GROUP BY id)\n"
      "  GROUP BY story\n"
      "  ORDER BY " + order + ", first_in_window, story\n"
      "  LIMIT " + std::to_string(q.limit);
  sql = "SELECT story, documents, sites, first_seen, last_seen, first_site, title, first_document, places, issues\n"
        "FROM (" + ranked + ") AS ranked\n"
        "ANY LEFT JOIN (\n"
        "  SELECT story, minMerge(first_seen_state) AS first_seen, maxMerge(last_seen_state) AS last_seen,\n"
        "         argMinMerge(first_site_state) AS first_site, argMinMerge(first_title_state) AS title,\n"
        "         argMinMerge(first_document_state) AS first_document,\n"
        "         groupUniqArrayArrayMerge(places_state) AS places, groupUniqArrayArrayMerge(issues_state) AS issues\n"
        "  FROM stories\n"
        "  WHERE story IN (SELECT story FROM (" + ranked + "))\n"
        "  GROUP BY story) AS whole USING story\n"
        "ORDER BY " + order + ", first_in_window, story";
  return Status::ok();
}

Status build_docs(const DocsQuery& q, std::string& sql) {
  if (Status s = check_common(q.common); !s) return s;
  if (Status s = check_limit(q.limit); !s) return s;
  if (q.offset < 0 || q.offset > 1000000) return Status::invalid("offset: must be between 0 and 1000000");
  static constexpr std::array<std::string_view, 5> kKinds = {"article", "comment", "message", "reply", "post"};
  if (!q.kind.empty() && std::find(kKinds.begin(), kKinds.end(), q.kind) == kKinds.end())
    return Status::invalid("kind '" + q.kind + "': expected article, comment, message, reply or post");
  if (!q.story.empty() && (q.story.size() > 64 || !std::all_of(q.story.begin(), q.story.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); })))
    return Status::invalid("story '" + q.story.substr(0, 64) + "': expected a story id (letters and digits)");
  if (!q.keyword.empty())
    if (Status s = check_value("keyword", q.keyword); !s) return s;
  const std::string keyword = q.keyword.empty() ? "" : " AND has(keywords, " + quote(q.keyword) + ")";
  // The story of a document as build_stories groups it.
  const std::string story = q.story.empty() ? "" : " AND if(story_id != '', story_id, if(content_hash != '', content_hash, id)) = " + quote(q.story);
  // LIMIT 1 BY id keeps one row per document (the newest matching version) without FINAL, which
  // on 18.16 merges every selected part. The page is chosen first on the narrow columns only (time,
  // id, version): sorting millions of matching rows with their text took gigabytes per request at
  // 10 million documents (docs/BENCHMARKS.md). The outer query then reads the wide columns of the
  // page's ids alone, through the primary key (ORDER BY id).
  const std::string where = conditions(q.common, "event_time", true) + (q.kind.empty() ? "" : " AND kind = " + quote(q.kind)) + story + keyword;
  const std::string page = "ORDER BY event_time DESC, id, version DESC\nLIMIT 1 BY id\nLIMIT " +
                           (q.offset ? std::to_string(q.offset) + ", " : "") + std::to_string(q.limit);
  sql = "SELECT id, toString(event_time, " + quote(q.common.timezone) +
        ") AS time, site, kind, category_l1 AS category, sentiment_label AS sentiment, intent, issues, places, title, url,\n"
        "replaceRegexpAll(substringUTF8(text, 1, 80), '\\\\s+', ' ') AS snippet\n"
        "FROM documents\nWHERE " + where + "\n  AND id IN (SELECT id FROM documents WHERE " + where + "\n  " + page +
        ")\nORDER BY event_time DESC, id, version DESC\nLIMIT 1 BY id";
  return Status::ok();
}

Status run(clickhouse::Client& client, const std::string& sql, Table& out) {
  out = {};
  auto r = client.execute(sql + "\nFORMAT TabSeparatedWithNamesAndTypes");
  if (!r.status) return r.status;
  std::istringstream in(r.body);
  std::string line;
  if (std::getline(in, line)) out.columns = split_tsv_line(line);
  if (std::getline(in, line)) out.types = split_tsv_line(line);
  while (std::getline(in, line)) out.rows.push_back(split_tsv_line(line));
  return Status::ok();
}

Status match_value(const std::vector<std::string>& stored_values, Dimension d, const std::string& wanted,
                   std::string& stored) {
  if (Status s = check_value(std::string("--") + to_string(d), wanted); !s) return s;
  if (std::find(stored_values.begin(), stored_values.end(), wanted) != stored_values.end()) {
    stored = wanted;
    return Status::ok();
  }
  const auto needle = code_points(wanted);
  std::vector<std::string> candidates;
  for (const auto& v : stored_values)
    if (!v.empty() && v.find(wanted) != std::string::npos) candidates.push_back(v);
  if (candidates.empty())
    for (const auto& v : stored_values)
      if (!v.empty() && is_subsequence(needle, code_points(v))) candidates.push_back(v);
  if (candidates.size() == 1) {
    stored = candidates.front();
    return Status::ok();
  }
  std::string list;
  const auto& shown = candidates.empty() ? stored_values : candidates;
  for (size_t i = 0; i < shown.size() && i < 20; ++i)
    if (!shown[i].empty()) list += (list.empty() ? "" : ", ") + shown[i];
  return Status::invalid(std::string(to_string(d)) + " '" + wanted + "' " +
                         (candidates.empty() ? "matches no stored value; stored: " : "is ambiguous: ") + list);
}

Status resolve_value(clickhouse::Client& client, Dimension d, const std::string& wanted, std::string& stored) {
  if (Status s = check_value(std::string("--") + to_string(d), wanted); !s) return s;
  Table t;
  const std::string column = info(d).rollup_column;
  if (Status s = run(client, "SELECT DISTINCT " + column + " FROM rollup_hourly ORDER BY " + column, t); !s) return s;
  std::vector<std::string> values;
  for (const auto& row : t.rows) values.push_back(row.at(0));
  return match_value(values, d, wanted, stored);
}

}  // namespace yuqing::queries
