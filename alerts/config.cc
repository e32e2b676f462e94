#include "alerts/config.h"

#include <algorithm>
#include <set>

#include "core/status.h"
#include "core/yaml_reader.h"

namespace yuqing::alerts {

namespace {

bool is_catch_all(const std::string& unit) {
  // The plan's "区直有关部门单位", "区政府各部门单位" … name no one in particular.
  return unit.find("有关") != std::string::npos || unit.find("各部门") != std::string::npos;
}

const std::set<std::string> kSeverities = {"general", "major", "critical"};

}  // namespace

std::vector<std::string> AlertsConfig::units_for(const std::string& issue, const std::string& place) const {
  std::vector<std::string> out;
  auto add = [&](const std::string& u) {
    if (!u.empty() && std::find(out.begin(), out.end(), u) == out.end()) out.push_back(u);
  };
  auto it = issues.find(issue);
  if (it == issues.end()) {
    add(place);
    return out;
  }
  for (const auto& u : it->second.units) {
    if (u == "各镇〈街〉" || u == "各镇（街）") {
      add(place);
    } else if (!is_catch_all(u)) {
      add(u);
    }
  }
  return out;
}

std::vector<std::string> AlertsConfig::units_for(const std::string& issue, const std::string& place,
                                                 const std::vector<std::string>& documents) const {
  const auto it = issues.find(issue);
  if (it == issues.end() || it->second.sectors.empty()) return units_for(issue, place);
  const auto& sectors = it->second.sectors;
  std::vector<size_t> naming(sectors.size(), 0);
  for (const auto& doc : documents)
    for (size_t s = 0; s < sectors.size(); ++s)
      if (std::any_of(sectors[s].second.begin(), sectors[s].second.end(),
                      [&](const std::string& term) { return doc.find(term) != std::string::npos; }))
        ++naming[s];
  const size_t top = *std::max_element(naming.begin(), naming.end());
  if (top == 0) return units_for(issue, place);
  std::vector<std::string> out;
  for (size_t s = 0; s < sectors.size(); ++s)
    if (2 * naming[s] >= top && naming[s] > 0) out.push_back(sectors[s].first);
  return out;
}

std::vector<std::string> AlertsConfig::recipients_for(const std::vector<std::string>& units) const {
  std::vector<std::string> out;
  auto add = [&](const std::string& a) {
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  };
  for (const auto& u : units) {
    auto it = routing.recipients.find(u);
    if (it != routing.recipients.end())
      for (const auto& a : it->second) add(a);
  }
  for (const auto& a : routing.office) add(a);
  return out;
}

std::filesystem::path default_alerts_file(const Config& config) { return config.resolve(config.processor.rules_dir) / "alerts.yaml"; }

AlertsConfig load_alerts_config(const Config& config, const std::string& file) {
  return load_alerts_config(file.empty() ? default_alerts_file(config) : std::filesystem::path(file),
                            config.resolve(config.processor.rules_dir) / "issues.yaml");
}

AlertsConfig load_alerts_config(const std::filesystem::path& alerts_yaml, const std::filesystem::path& issues_yaml) {
  AlertsConfig c;
  c.file = alerts_yaml;
  YamlSection root(load_yaml_file(alerts_yaml.string()), alerts_yaml.string());
  root.read("interval_minutes", c.interval_minutes, 1, 24 * 60);
  root.read("immediate_interval_seconds", c.immediate_interval_seconds, 0, 3600);
  root.read("lookback_days", c.lookback_days, 1, 400);
  root.read("utc_offset_minutes", c.utc_offset_minutes, -14 * 60, 14 * 60);
  root.read("official_sites", c.official_sites);

  {
    auto s = root.child("volume_spike");
    auto& o = c.volume_spike;
    s.read("enabled", o.enabled);
    s.read("window_hours", o.window_hours, 1, 24 * 14);
    s.read("baseline_days", o.baseline_days, 1, 365);
    s.read("cold_start_days", o.cold_start_days, 0, 365);
    s.read("min_voices", o.min_voices, 1, 1e6);
    s.read("min_threads", o.min_threads, 1, 1000000);
    s.read("min_sites", o.min_sites, 1, 1000);
    s.read("min_ratio", o.min_ratio, 1, 1e6);
    s.read("false_alarms_per_month", o.false_alarms_per_month, 1e-9, 1000);
    s.read("dispersion", o.dispersion, 0.01, 1e9);
    s.read("prior_threads", o.prior_threads, 0.001, 1e6);
    s.read("margin_weight", o.margin_weight, 0, 1000);
    s.read("voices_per_thread", o.voices_per_thread, 1, 1000000);
    s.read("max_positive_share", o.max_positive_share, 0, 1);
    s.read("per_issue", o.per_issue);
    s.finish();
  }
  {
    auto s = root.child("rumour");
    auto& o = c.rumour;
    s.read("enabled", o.enabled);
    s.read("window_hours", o.window_hours, 1, 24 * 14);
    s.read("baseline_days", o.baseline_days, 1, 365);
    s.read("cold_start_days", o.cold_start_days, 0, 365);
    s.read("min_threads", o.min_threads, 1, 1000000);
    s.read("min_ratio", o.min_ratio, 1, 1e6);
    s.read("p_value", o.p_value, 1e-300, 0.5);
    s.read("dispersion", o.dispersion, 0.01, 1e9);
    s.read("prior_threads", o.prior_threads, 0.001, 1e6);
    s.read("per_issue", o.per_issue);
    s.read("cues", o.cues);
    s.read("exclude", o.exclude);
    s.finish();
  }
  {
    auto s = root.child("negative_surge");
    auto& o = c.negative_surge;
    s.read("enabled", o.enabled);
    s.read("window_hours", o.window_hours, 1, 24 * 14);
    s.read("baseline_days", o.baseline_days, 1, 365);
    s.read("cold_start_days", o.cold_start_days, 0, 365);
    s.read("min_documents", o.min_documents, 1, 1e6);
    s.read("per_thread_cap", o.per_thread_cap, 1, 1000000);
    s.read("min_rise", o.min_rise, 0, 1);
    s.read("p_value", o.p_value, 1e-300, 0.5);
    s.read("prior_documents", o.prior_documents, 0, 1e6);
    s.finish();
  }
  {
    auto s = root.child("watch_terms");
    auto& o = c.watch_terms;
    s.read("enabled", o.enabled);
    s.read("terms", o.terms);
    for (const auto& [term, severity] : o.terms)
      if (!kSeverities.count(severity)) s.fail("terms", "'" + term + "': severity must be general, major or critical, got '" + severity + "'");
    s.read("exclude", o.exclude);
    s.finish();
  }
  {
    auto s = root.child("fast_story");
    auto& o = c.fast_story;
    s.read("enabled", o.enabled);
    s.read("window_hours", o.window_hours, 1, 24 * 14);
    s.read("min_sites", o.min_sites, 2, 1000);
    s.read("min_documents", o.min_documents, 1, 1000000);
    s.read("clarification_terms", o.clarification_terms);
    s.finish();
  }
  {
    auto s = root.child("unanswered");
    auto& o = c.unanswered;
    s.read("enabled", o.enabled);
    s.read("deadline_days", o.deadline_days, 1, 365);
    s.read("min_messages", o.min_messages, 1, 1000000);
    s.finish();
  }
  {
    auto s = root.child("slow_reply");
    auto& o = c.slow_reply;
    s.read("enabled", o.enabled);
    s.read("deadline_days", o.deadline_days, 1, 365);
    s.read("window_days", o.window_days, 1, 365);
    s.read("min_replies", o.min_replies, 1, 1000000);
    s.finish();
  }
  {
    auto s = root.child("routing");
    auto& o = c.routing;
    s.read("regrow_factor", o.regrow_factor, 1, 1000);
    s.read("episode_gap_hours", o.episode_gap_hours, 1, 24 * 365);
    s.read("quiet_start_hour", o.quiet_start_hour, 0, 23);
    s.read("quiet_end_hour", o.quiet_end_hour, 0, 23);
    s.read("digest_hour", o.digest_hour, 0, 23);
    s.read("office", o.office);
    s.read("dashboard_url", o.dashboard_url);
    auto r = s.child("recipients");
    for (const auto& unit : r.keys()) {
      std::vector<std::string> addresses;
      r.read(unit, addresses);
      for (const auto& a : addresses)
        if (a.find('@') == std::string::npos || a.find_first_of(" \r\n<>,;") != std::string::npos)
          r.fail(unit, "'" + a + "' is not an e-mail address");
      o.recipients[unit] = addresses;
    }
    r.finish();
    s.finish();
  }
  root.finish();

  YamlSection issues(load_yaml_file(issues_yaml.string()), issues_yaml.string());
  for (auto& item : issues.children("issues")) {
    std::string name;
    std::vector<std::string> lead, departments;
    item.read("name", name);
    item.read("lead", lead);
    item.read("departments", departments);
    IssueUnits u;
    u.units = lead;
    for (const auto& d : departments)
      if (std::find(u.units.begin(), u.units.end(), d) == u.units.end()) u.units.push_back(d);
    YamlSection sectors = item.child("sectors");
    for (const auto& unit : sectors.keys()) {
      std::vector<std::string> terms;
      sectors.read(unit, terms);
      if (std::find(u.units.begin(), u.units.end(), unit) == u.units.end())
        sectors.fail(unit, "'" + unit + "' is not one of the issue's lead or departments");
      if (terms.empty()) sectors.fail(unit, "a sector needs at least one term");
      u.sectors.emplace_back(unit, std::move(terms));
    }
    sectors.finish();
    c.issues[name] = u;
    // The other keys belong to the tagger (processors/issues.h).
    for (const char* k : {"item", "terms", "exclude", "context", "threshold", "level2"}) item.accept(k);
  }
  return c;
}

}  // namespace yuqing::alerts
