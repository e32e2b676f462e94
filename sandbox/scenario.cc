#include "sandbox/scenario.h"

#include <cstdlib>

#include "core/yaml_reader.h"
#include "sandbox/phrases.h"

namespace yuqing::sandbox {
namespace {

constexpr const char* kIntents[] = {"complaint", "inquiry", "suggestion", "praise", "news"};

template <size_t N>
void read_numbers(YamlSection& s, const std::string& key, std::array<double, N>& out) {
  if (!s.has(key)) {
    s.accept(key);
    return;
  }
  std::vector<std::string> values;
  s.read(key, values);
  if (values.size() != N) s.fail(key, "expected " + std::to_string(N) + " numbers, got " + std::to_string(values.size()));
  for (size_t i = 0; i < N; ++i) {
    char* end = nullptr;
    out[i] = std::strtod(values[i].c_str(), &end);
    if (end == values[i].c_str() || *end != '\0' || out[i] < 0) s.fail(key, "expected non-negative numbers, got '" + values[i] + "'");
  }
}

void read_ramp(YamlSection& s, const std::string& key, Ramp& out, double max) {
  std::array<double, 2> v{out.from, out.to};
  read_numbers(s, key, v);
  if (v[0] > max || v[1] > max) s.fail(key, "values must not exceed " + std::to_string(max));
  out = {v[0], v[1]};
}

// A flat map of name -> weight whose names must all be known and all present.
std::vector<std::pair<std::string, double>> read_weights(YamlSection& parent, const std::string& key,
                                                         const std::vector<std::string>& known) {
  YamlSection s = parent.child(key);
  std::vector<std::pair<std::string, double>> out;
  for (const auto& name : s.keys()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) s.fail(name, "unknown name");
    double w = 0;
    s.read(name, w, 0, 1000);
    out.emplace_back(name, w);
  }
  s.finish();
  for (const auto& name : known) {
    if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == name; }))
      parent.fail(key, "missing '" + name + "' (every one must have a weight)");
  }
  return out;
}

UnixSeconds parse_day(YamlSection& s, const std::string& key) {
  std::string text;
  s.read(key, text);
  auto t = parse_iso8601_local(text + "T00:00:00");  // the district's midnight
  if (!t) s.fail(key, "expected a date YYYY-MM-DD, got '" + text + "'");
  if (weekday_from_monday(local_day(*t)) != 0) s.fail(key, "the timeline must start on a Monday");
  return *t;
}

}  // namespace

int site_index(const std::string& name) {
  for (size_t i = 0; i < kSiteNames.size(); ++i)
    if (name == kSiteNames[i]) return int(i);
  return -1;
}

Scenario load_scenario(const std::filesystem::path& file) {
  YamlSection root(load_yaml_file(file.string()), file.string());
  Scenario sc;
  sc.weekday.fill(1);
  sc.hours.fill(1);
  root.read("name", sc.name);
  sc.start = parse_day(root, "start");
  root.read("weeks", sc.weeks, 1, 52);
  {
    YamlSection r = root.child("rhythm");
    read_numbers(r, "weekday", sc.weekday);
    read_numbers(r, "hours", sc.hours);
    r.finish();
  }
  root.read("crawl_delay", sc.crawl_delay, 0, 60);
  {
    YamlSection q = root.child("quirks");
    q.read("slow_ms", sc.slow_ms, 0, 60000);
    q.read("huge_kb", sc.huge_kb, 1, 1 << 20);
    q.finish();
  }
  {
    YamlSection b = root.child("message_board");
    b.read("answered", sc.answered, 0, 1);
    b.read("late", sc.late, 0, 1);
    b.finish();
  }
  {
    YamlSection sites = root.child("sites");
    for (const auto& name : sites.keys()) {
      const int k = site_index(name);
      if (k < 0) sites.fail(name, "unknown site (one of district-portal, local-news, news-portal, message-board, forum)");
      YamlSection v = sites.child(name);
      v.read("per_day", sc.sites[size_t(k)].per_day, 0, 10000);
      v.read("children", sc.sites[size_t(k)].children_mean, 0, 1000);
      v.read("reposts", sc.sites[size_t(k)].reposts, 0, 1);
      v.finish();
    }
    sites.finish();
  }
  {
    YamlSection b = root.child("baseline");
    sc.issues = read_weights(b, "issues", issue_names());
    sc.places = read_weights(b, "places", place_names());
    sc.intents = read_weights(b, "intents", {std::begin(kIntents), std::end(kIntents)});
    b.finish();
  }
  const int days = sc.weeks * 7;
  for (auto& e : root.children("events")) {
    ScenarioEvent ev;
    e.read("id", ev.id);
    if (ev.id.empty()) e.fail("id", "every event needs an id");
    e.read("kind", ev.kind);
    if (ev.kind != "surge" && ev.kind != "rumour") e.fail("kind", "expected surge or rumour");
    e.read("issue", ev.issue);
    const auto issues = issue_names(), places = place_names();
    if (std::find(issues.begin(), issues.end(), ev.issue) == issues.end()) e.fail("issue", "unknown issue '" + ev.issue + "'");
    e.read("place", ev.place);
    if (std::find(places.begin(), places.end(), ev.place) == places.end()) e.fail("place", "unknown place '" + ev.place + "'");
    e.read("start_day", ev.start_day, 0, days - 1);
    e.read("days", ev.days, 1, days - ev.start_day);
    std::vector<std::string> sites;
    e.read("sites", sites);
    for (const auto& s : sites) {
      const int k = site_index(s);
      if (k < 0) e.fail("sites", "unknown site '" + s + "'");
      ev.sites.push_back(k);
    }
    read_ramp(e, "per_day", ev.per_day, 10000);
    read_ramp(e, "negative", ev.negative, 1);
    e.read("intent", ev.intent);
    if (std::find(std::begin(kIntents), std::end(kIntents), ev.intent) == std::end(kIntents))
      e.fail("intent", "unknown intent '" + ev.intent + "'");
    e.read("children_factor", ev.children_factor, 0, 100);
    e.read("reposts", ev.reposts, 0, 1);
    e.read("answered", ev.answered, 0, 1);
    e.read("official_reply_day", ev.official_reply_day, 0, days - 1);
    e.read("terms", ev.terms);
    for (const auto& t : ev.terms)
      if (t.empty()) e.fail("terms", "a term must not be empty");
    if (ev.kind == "rumour" && ev.official_reply_day < 0) e.fail("official_reply_day", "a rumour needs the day of its official reply");
    e.finish();
    sc.events.push_back(std::move(ev));
  }
  root.finish();
  return sc;
}

}  // namespace yuqing::sandbox
