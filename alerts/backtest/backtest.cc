#include "alerts/backtest/backtest.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "alerts/engine.h"
#include "processors/analyzer.h"
#include "sandbox/documents.h"
#include "sandbox/phrases.h"
#include "sandbox/web.h"

namespace yuqing::alerts {

namespace {

struct Truth {
  std::unordered_map<std::string, std::string> event_of;        // document id -> event id
  std::unordered_map<std::string, UnixSeconds> reply_time;      // message id -> its reply's time
  std::unordered_map<std::string, bool> late;                   // message id -> answered late
  std::unordered_map<std::string, std::string> parent_of;       // reply id -> message id
};

void judge(const Alert& a, const Truth& truth, const AlertsConfig& config, ScoredAlert& out) {
  out.alert = a;
  if (a.detector == "unanswered") {
    size_t pending = 0;
    for (const auto& id : a.document_ids) {
      auto r = truth.reply_time.find(id);
      pending += r == truth.reply_time.end() || r->second >= a.fired_at;
    }
    out.correct = pending == a.document_ids.size();
    out.why = std::to_string(pending) + "/" + std::to_string(a.document_ids.size()) + " messages without a reply when it fired";
  } else if (a.detector == "slow_reply") {
    size_t replies = 0, late = 0;
    for (const auto& id : a.document_ids) {
      auto m = truth.parent_of.find(id);
      if (m == truth.parent_of.end()) continue;
      ++replies;
      late += truth.late.count(m->second) && truth.late.at(m->second);
    }
    out.correct = replies > 0 && late == replies;
    out.why = std::to_string(late) + "/" + std::to_string(replies) + " replies late in the truth";
  }
  std::map<std::string, size_t> events;
  for (const auto& id : a.document_ids) {
    auto e = truth.event_of.find(id);
    if (e != truth.event_of.end() && !e->second.empty()) ++events[e->second];
  }
  std::string best;
  size_t best_count = 0;
  for (const auto& [e, n] : events)
    if (n > best_count) best = e, best_count = n;
  if (best_count * 2 > a.document_ids.size()) out.event = best;
  if (a.detector != "unanswered" && a.detector != "slow_reply") {
    out.correct = !out.event.empty();
    out.why = std::to_string(best_count) + "/" + std::to_string(a.document_ids.size()) + " documents of " +
              (best.empty() ? std::string("no event") : best);
  }
  (void)config;
}

}  // namespace

BacktestResult run_backtest(const Config& config, const AlertsConfig& alerts, const std::filesystem::path& scenario_file) {
  const auto started = std::chrono::steady_clock::now();
  BacktestResult r;
  const auto scenario = sandbox::load_scenario(scenario_file);
  r.scenario = scenario.name;
  const auto web = sandbox::SandboxWeb::generate(scenario, config.sandbox.seed);
  const auto origins = sandbox::origins_for(config.sandbox.host, config.sandbox.port);

  Truth truth;
  std::map<std::string, EventScore> events;
  for (const auto& e : scenario.events) {
    EventScore s;
    s.id = e.id;
    s.issue = e.issue;
    s.place = e.place;
    s.concern = e.negative.from > 0 || e.negative.to > 0 || e.answered == 0;
    events[e.id] = s;
  }
  const auto& docs = web.documents();
  for (const auto& t : docs) {
    const std::string id = web.document_id(t, origins);
    truth.event_of[id] = t.event_id;
    if (!t.event_id.empty() && events.count(t.event_id)) {
      EventScore& s = events[t.event_id];
      if (s.documents == 0 || t.published_at < s.first_document) s.first_document = t.published_at;
      ++s.documents;
    }
    if (t.kind == "message") truth.late[id] = t.late;
    if (t.kind == "reply" && t.parent >= 0) {
      const std::string message = web.document_id(docs[size_t(t.parent)], origins);
      truth.parent_of[id] = message;
      auto [it, inserted] = truth.reply_time.emplace(message, t.published_at);
      if (!inserted) it->second = std::min(it->second, t.published_at);
    }
  }

  spdlog::info("backtest: tagging {} documents of scenario '{}'", docs.size(), scenario.name);
  const processors::Analyzer analyzer(config.resolve(config.processor.rules_dir));
  std::vector<Fact> facts;
  for (const auto& d : sandbox::crawled_documents(web, origins))
    facts.push_back(fact_of(EnrichedDocument{d, analyzer.analyze(d), d.fetched_at}, alerts.official_sites));
  r.documents = facts.size();
  const FactSet set(std::move(facts));

  Engine engine(alerts);
  const auto hours = replay_hours(scenario.start, scenario.end());
  spdlog::info("backtest: replaying {} hours", hours.size());
  for (UnixSeconds h : hours) {
    std::vector<Alert> raised, closed;
    engine.evaluate(set, h, raised, closed);
    for (auto& c : closed) r.closed.push_back(std::move(c));
  }
  size_t correct = 0;
  for (const auto& a : engine.alerts()) {
    ScoredAlert s;
    judge(a, truth, alerts, s);
    correct += s.correct;
    const bool about_messages = a.detector == "unanswered" || a.detector == "slow_reply";
    // Overdue messages are to be chased whatever they say; they make no concern of a praise event.
    if (s.correct && !s.event.empty() && events.count(s.event) && (events[s.event].concern || !about_messages)) {
      EventScore& e = events[s.event];
      ++e.alerts;
      if (std::find(e.detectors.begin(), e.detectors.end(), a.detector) == e.detectors.end()) e.detectors.push_back(a.detector);
      // Its responsible units: the one the scenario makes answer for the issue (the sandbox's
      // replies come from it) and, for an issue the plan gives to 各镇〈街〉, the event's town.
      std::vector<std::string> responsible = {sandbox::issue_bank(e.issue).dept};
      const auto units = alerts.units_for(e.issue, e.place);
      if (std::find(units.begin(), units.end(), e.place) != units.end()) responsible.push_back(e.place);
      const bool routed = std::any_of(responsible.begin(), responsible.end(), [&](const std::string& u) {
        return std::find(a.departments.begin(), a.departments.end(), u) != a.departments.end();
      });
      if (routed && (!e.first_alert || a.fired_at < *e.first_alert)) {
        e.matched = e.concern;
        e.first_alert = a.fired_at;
        e.lead_hours = double(a.fired_at - e.first_document) / 3600.0;
      }
    }
    r.alerts.push_back(std::move(s));
  }
  size_t concerns = 0, matched = 0;
  for (auto& [id, e] : events) {
    concerns += e.concern;
    matched += e.concern && e.matched;
    r.events.push_back(e);
  }
  r.precision = r.alerts.empty() ? 1 : double(correct) / double(r.alerts.size());
  r.recall = concerns ? double(matched) / double(concerns) : 1;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

nlohmann::json to_json(const BacktestResult& r) {
  using nlohmann::json;
  json alerts = json::array();
  for (const auto& s : r.alerts) {
    const Alert& a = s.alert;
    alerts.push_back({{"id", a.id},
                      {"detector", a.detector},
                      {"severity", to_string(a.severity)},
                      {"issue", a.issue},
                      {"place", a.place},
                      {"departments", a.departments},
                      {"title", a.title},
                      {"fired_at", format_iso8601(a.fired_at)},
                      {"window_start", format_iso8601(a.window_start)},
                      {"window_end", format_iso8601(a.window_end)},
                      {"observed", a.observed},
                      {"expected", a.expected},
                      {"p_value", a.p_value},
                      {"status", to_string(a.status)},
                      {"document_ids", a.document_ids},
                      {"correct", s.correct},
                      {"event", s.event.empty() ? json(nullptr) : json(s.event)},
                      {"judged", s.why}});
  }
  json events = json::array();
  for (const auto& e : r.events) {
    events.push_back({{"event", e.id},
                      {"issue", e.issue},
                      {"place", e.place},
                      {"concern", e.concern},
                      {"documents", e.documents},
                      {"matched", e.matched},
                      {"detectors", e.detectors},
                      {"alerts", e.alerts},
                      {"first_document", format_iso8601(e.first_document)},
                      {"first_alert", e.first_alert ? json(format_iso8601(*e.first_alert)) : json(nullptr)},
                      {"lead_hours", e.first_alert ? json(e.lead_hours) : json(nullptr)}});
  }
  json closed = json::array();
  for (const auto& a : r.closed) closed.push_back({{"id", a.id}, {"title", a.title}, {"reason", a.close_reason}});
  std::map<std::string, std::pair<int, int>> per_detector;  // detector -> (alerts, correct)
  for (const auto& s : r.alerts) {
    auto& p = per_detector[s.alert.detector];
    ++p.first;
    p.second += s.correct;
  }
  json detectors = json::object();
  for (const auto& [d, p] : per_detector) detectors[d] = {{"alerts", p.first}, {"correct", p.second}};
  return {{"scenario", r.scenario}, {"documents", r.documents}, {"alerts", alerts},     {"closed", closed},
          {"events", events},       {"detectors", detectors},   {"precision", r.precision}, {"recall", r.recall},
          {"seconds", r.seconds}};
}

}  // namespace yuqing::alerts
