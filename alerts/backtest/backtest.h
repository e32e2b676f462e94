// Backtest: the alert engine on a sandbox scenario, scored against the scenario's truth — in
// seconds, without crawl, Kafka or ClickHouse.
//
// The scenario's documents come from the sandbox generator (ids exactly as `yuqing sandbox --truth`),
// are tagged by the analyzer (the `process` code path), become facts (alerts/facts.h) and are
// replayed hour by hour through the same Engine, routing and de-duplication as `alert run`.
//
// Scoring
// - An alert is correct when most of its documents belong to one event (truth `event_id`). An
//   unanswered-message alert is correct when none of its messages had a reply when it fired (each
//   is to be chased, event or not); a slow-reply alert when every reply it names came after the
//   deadline.
// - A concern event (one with negative items or unanswered messages; not praise) is matched when a
//   correct alert of it is routed to a unit responsible for it: the unit the scenario makes answer
//   for its issue (sandbox IssueBank::dept), or its town when the plan gives the issue to
//   各镇〈街〉 — not merely to the first of an issue's seven units; lead time = hours from the event's first
//   document to that alert. precision = correct / all alerts; recall = matched / concern events.
// - A non-concern event (praise) must raise no alert: any correct alert of it is reported.
//
// This composes the sandbox, the processors and the alerts, like the CLI does; no stage links it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/alert.h"
#include "alerts/config.h"
#include "alerts/facts.h"
#include "core/config.h"

namespace yuqing::alerts {

struct EventScore {
  std::string id;
  std::string issue;
  std::string place;
  bool concern = true;
  UnixSeconds first_document = 0;
  size_t documents = 0;
  bool matched = false;                  // concern: alerted to a unit responsible for it
  std::vector<std::string> detectors;    // that raised a correct alert of it
  std::optional<UnixSeconds> first_alert;
  double lead_hours = 0;                 // first_alert - first_document
  size_t alerts = 0;                     // correct alerts of it
};

struct ScoredAlert {
  Alert alert;
  bool correct = false;
  std::string event;                     // the majority event, "" when none
  std::string why;                       // how it was judged
};

struct BacktestResult {
  std::string scenario;
  size_t documents = 0;
  std::vector<ScoredAlert> alerts;
  std::vector<Alert> closed;             // closures (rumours answered), as they happened
  std::vector<EventScore> events;
  double precision = 0;
  double recall = 0;
  double seconds = 0;                    // wall time of generate + tag + replay
};

BacktestResult run_backtest(const Config& config, const AlertsConfig& alerts, const std::filesystem::path& scenario);
nlohmann::json to_json(const BacktestResult& r);

}  // namespace yuqing::alerts
