#include "alerts/engine.h"

#include <algorithm>

#include "alerts/detector.h"

namespace yuqing::alerts {

namespace {

// Title and text of each document, for routing by the sector terms they name.
std::vector<std::string> texts_of(const FactSet& facts, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const auto& id : ids)
    if (const Fact* f = facts.find(id)) out.push_back(f->title + "\n" + f->text);
  return out;
}

}  // namespace

Engine::Engine(const AlertsConfig& config, std::vector<Alert> history) : config_(config), alerts_(std::move(history)) {
  std::sort(alerts_.begin(), alerts_.end(), [](const Alert& a, const Alert& b) { return a.fired_at < b.fired_at; });
  // Stored alerts reopen their episodes, so a restart does not alert the same concern again.
  for (const auto& a : alerts_) {
    if (a.key.empty()) continue;
    Episode& e = episodes_[a.key];
    e.last_seen = std::max(e.last_seen, hour_end_of(a.window_end));
    e.max_severity = std::max(e.max_severity, int(a.severity));
    e.last_size[a.detector] = std::max(e.last_size[a.detector], a.observed);
  }
}

void Engine::evaluate(const FactSet& facts, UnixSeconds now, std::vector<Alert>& raised, std::vector<Alert>& closed) {
  run(facts, now, Scope::all, raised, closed);
}

std::vector<Alert> Engine::evaluate_immediate(const FactSet& facts, UnixSeconds at) const {
  Engine scratch(*this);  // the full evaluation of the hour decides the episodes, not this one
  std::vector<Alert> raised, closed;
  scratch.run(facts, at / kHour * kHour + kHour, Scope::immediate, raised, closed);
  for (auto& a : raised) {
    a.fired_at = at;
    a.window_end = at;
  }
  return raised;
}

void Engine::run(const FactSet& facts, UnixSeconds now, Scope scope, std::vector<Alert>& raised, std::vector<Alert>& closed) {
  const DetectorContext ctx{facts, config_, now};
  std::vector<Closure> closures;
  for (const Detector* d : all_detectors()) {
    if (!d->enabled(config_) || (scope == Scope::immediate && !d->immediate())) continue;
    std::vector<Finding> findings;
    d->detect(ctx, findings);
    if (scope == Scope::all) d->resolve(ctx, closures);
    for (auto& f : findings) {
      const UnixSeconds gap = UnixSeconds(config_.routing.episode_gap_hours) * kHour;
      auto it = episodes_.find(f.key);
      const bool fresh = it == episodes_.end() || now - it->second.last_seen > gap;
      Episode& e = episodes_[f.key];
      if (fresh) e = Episode{};
      e.last_seen = now;
      const auto seen = e.last_size.find(d->name());
      bool alert = false;
      std::string id;
      if (fresh) {
        alert = true;
        // The concern's start to the hour: a source that keeps publish times to the minute (a
        // crawled page) and one that keeps seconds (the generator) give the same id.
        id = make_alert_id(d->name(), f.key, f.concern_start / kHour * kHour);
      } else if (int(f.alert.severity) > e.max_severity) {
        alert = true;
        id = make_alert_id(d->name(), f.key, now);
        f.alert.title += "（升级为" + std::string(chinese_label(f.alert.severity)) + "）";
      } else if (seen != e.last_size.end() && f.size >= config_.routing.regrow_factor * seen->second) {
        alert = true;
        id = make_alert_id(d->name(), f.key, now);
        f.alert.title += "（持续扩大）";
      }
      if (seen == e.last_size.end() || alert) e.last_size[d->name()] = f.size;
      if (!alert) continue;
      e.max_severity = std::max(e.max_severity, int(f.alert.severity));
      Alert a = std::move(f.alert);
      a.id = id;
      a.key = f.key;
      a.fired_at = now;
      if (a.departments.empty()) a.departments = config_.units_for(a.issue, a.place, texts_of(facts, a.document_ids));
      a.status = AlertStatus::open;
      a.version = 1;
      alerts_.push_back(a);
      raised.push_back(std::move(a));
    }
  }
  for (const auto& c : closures) {
    for (auto& a : alerts_) {
      if (a.status == AlertStatus::closed || a.fired_at > c.at || a.issue != c.issue) continue;
      if (a.detector == "unanswered" || a.detector == "slow_reply") continue;  // a clarification answers no message
      if (!c.place.empty() && !a.place.empty() && a.place != c.place) continue;
      a.status = AlertStatus::closed;
      a.closed_by = "yuqing";
      a.closed_at = now;
      a.close_reason = c.reason;
      ++a.version;
      closed.push_back(a);
    }
  }
}

std::vector<UnixSeconds> replay_hours(UnixSeconds from, UnixSeconds to) {
  std::vector<UnixSeconds> hours;
  for (UnixSeconds h = from / kHour * kHour + kHour; h <= to / kHour * kHour; h += kHour) hours.push_back(h);
  return hours;
}

}  // namespace yuqing::alerts
