#include "storage/queries/request.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace yuqing::queries {
namespace {

constexpr const char* kFilterNames[] = {"issue", "category", "place", "site", "intent", "sentiment"};

// Reads the parameters one query accepts; `own` lists its names besides the common ones.
class Reader {
 public:
  Reader(const Params& p, std::vector<std::string> own, bool filters) : params_(p), own_(std::move(own)), filters_(filters) {}

  // Unknown and repeated names are rejected before any value is read.
  Status check_names() const {
    std::set<std::string> seen;
    for (const auto& [name, value] : params_) {
      const bool is_filter = std::find(std::begin(kFilterNames), std::end(kFilterNames), name) != std::end(kFilterNames);
      if (is_filter && filters_) continue;
      const bool known = name == "since" || name == "until" || name == "tz" || (name == "exact" && filters_) ||
                         std::find(own_.begin(), own_.end(), name) != own_.end();
      if (!known) {
        if (is_filter) return Status::invalid(name + ": this query takes no filters");
        return Status::invalid("unknown parameter '" + name + "'");
      }
      if (!seen.insert(name).second) return Status::invalid(name + ": given more than once");
    }
    return Status::ok();
  }

  const std::string* get(const std::string& name) const {
    for (const auto& [n, v] : params_)
      if (n == name) return &v;
    return nullptr;
  }

  Status integer(const std::string& name, int& out) const {
    const std::string* v = get(name);
    if (!v) return Status::ok();
    int n = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (v->empty() || ec != std::errc() || end != v->data() + v->size())
      return Status::invalid(name + " '" + *v + "': expected an integer");
    out = n;
    return Status::ok();
  }

  Status boolean(const std::string& name, bool& out) const {
    const std::string* v = get(name);
    if (!v) return Status::ok();
    if (*v == "true" || *v == "1" || v->empty()) out = true;
    else if (*v == "false" || *v == "0") out = false;
    else return Status::invalid(name + " '" + *v + "': expected true or false");
    return Status::ok();
  }

  // Window, time zone and filters, as the CLI's --since/--until/--tz/--<dimension>/--exact.
  Status common(const std::string& default_since, UnixSeconds now, Common& c, RequestOptions& o) const {
    if (Status s = check_names(); !s) return s;
    if (const auto* tz = get("tz")) c.timezone = *tz;
    const std::string* since = get("since");
    const std::string since_text = since ? *since : default_since;
    if (!since_text.empty()) {
      TimeBound b;
      if (Status s = parse_time_bound(since_text, now, b); !s) return Status::invalid("since: " + s.message());
      c.window.since = b;
    }
    if (const auto* until = get("until"); until && !until->empty()) {
      TimeBound b;
      if (Status s = parse_time_bound(*until, now, b); !s) return Status::invalid("until: " + s.message());
      c.window.until = b;
    }
    for (const auto& [name, value] : params_)
      if (auto d = dimension_from_string(name)) c.filter.equals.emplace_back(*d, value);
    return boolean("exact", o.exact);
  }

 private:
  const Params& params_;
  std::vector<std::string> own_;
  bool filters_;
};

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

}  // namespace

Status trend_from_params(const Params& p, UnixSeconds now, TrendQuery& q, RequestOptions& o) {
  Reader r(p, {"by", "split"}, true);
  if (Status s = r.common("30d", now, q.common, o); !s) return s;
  if (const auto* by = r.get("by")) {
    auto g = granularity_from_string(*by);
    if (!g) return Status::invalid("by '" + *by + "': expected hour, day, week or month");
    q.by = *g;
  }
  if (const auto* split = r.get("split"); split && !split->empty()) {
    q.split = dimension_from_string(*split);
    if (!q.split) return Status::invalid("split '" + *split + "': expected issue, category, place, site, intent or sentiment");
  }
  return Status::ok();
}

Status top_issues_from_params(const Params& p, UnixSeconds now, TopIssuesQuery& q, RequestOptions& o) {
  Reader r(p, {"week", "limit"}, true);
  if (Status s = r.common("", now, q.common, o); !s) return s;
  if (Status s = r.integer("limit", q.limit); !s) return s;
  if (const auto* week = r.get("week"); week && !week->empty()) return parse_iso_week(*week, q.iso_year, q.iso_week);
  // The current week in the district's local time.
  iso_week_of_day(local_day(now), q.iso_year, q.iso_week);
  return Status::ok();
}

Status keywords_from_params(const Params& p, UnixSeconds now, KeywordsQuery& q, RequestOptions& o) {
  Reader r(p, {"emerging", "recent", "baseline", "min-documents", "limit"}, false);
  if (Status s = r.common("7d", now, q.common, o); !s) return s;
  if (Status s = r.boolean("emerging", q.emerging); !s) return s;
  if (Status s = r.integer("recent", q.recent_days); !s) return s;
  if (Status s = r.integer("baseline", q.baseline_days); !s) return s;
  if (Status s = r.integer("min-documents", q.min_documents); !s) return s;
  return r.integer("limit", q.limit);
}

Status stories_from_params(const Params& p, UnixSeconds now, StoriesQuery& q, RequestOptions& o) {
  Reader r(p, {"order", "limit"}, true);
  if (Status s = r.common("7d", now, q.common, o); !s) return s;
  if (const auto* order = r.get("order")) {
    if (*order == "size") q.order = StoryOrder::size;
    else if (*order == "spread") q.order = StoryOrder::spread;
    else return Status::invalid("order '" + *order + "': expected size or spread");
  }
  return r.integer("limit", q.limit);
}

Status docs_from_params(const Params& p, UnixSeconds now, DocsQuery& q, RequestOptions& o) {
  Reader r(p, {"limit", "offset", "kind", "story", "keyword"}, true);
  if (Status s = r.common("30d", now, q.common, o); !s) return s;
  if (const auto* kind = r.get("kind")) q.kind = *kind;
  if (const auto* story = r.get("story")) q.story = *story;
  if (const auto* keyword = r.get("keyword")) q.keyword = *keyword;
  if (Status s = r.integer("limit", q.limit); !s) return s;
  return r.integer("offset", q.offset);
}

Status resolve_filters(clickhouse::Client& client, const RequestOptions& o, Common& c) {
  if (o.exact) return Status::ok();
  for (auto& [d, v] : c.filter.equals) {
    std::string stored;
    if (Status s = resolve_value(client, d, v, stored); !s) return s;
    v = stored;
  }
  return Status::ok();
}

nlohmann::json table_json(const Table& t) {
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
  return rows;
}

}  // namespace yuqing::queries
