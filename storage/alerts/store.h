// Alert store: the `alerts` table in ClickHouse (migrations 004 and 006) — the alert history that
// `yuqing alert list|show|ack|close`, the dashboard and the weekly report read.
//
// Contract
// - save() writes one version of an alert. Raising an alert whose id is already stored changes
//   nothing (the stored state, acknowledged or closed, is kept): save_new() checks first, so a
//   replay never reopens what an analyst closed.
// - set_status() reads the newest version and writes version + 1 with who and when; acknowledging
//   a closed alert or closing a closed one is invalid (the message says its state).
// - Reads use FINAL, so the newest version of each id is what callers see, merged or not.
// - Nothing here retries; Status kinds are those of clickhouse::Client.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/alert.h"
#include "core/status.h"
#include "storage/clickhouse/client.h"

namespace yuqing::alerts {

struct AlertFilter {
  std::optional<UnixSeconds> since;   // fired_at >= since
  std::optional<UnixSeconds> until;   // fired_at < until
  std::optional<AlertStatus> status;
  std::string detector;               // "" = any
  std::string issue;                  // "" = any
  std::string place;                  // "" = any
  std::string department;             // "" = any; else alerts routed to it
  int limit = 100;
  int offset = 0;
};

// Inserts `a` unless its id is stored already; `inserted` tells which happened.
Status save_new(clickhouse::Client& client, const Alert& a, bool& inserted);
// An alert raised by an immediate evaluation (fired_at inside an hour, alerts/engine.h) is
// provisional until the full evaluation of its hour: when that evaluation, or a later immediate
// one in the same hour, raises the same id again, what it found (severity, title, summary, measure,
// window, evidence, documents) replaces the stored findings as version + 1, keeping fired_at and
// the state (acknowledged, closed). Only an alert stored with fired_at strictly inside
// (hour_end - 1 h, hour_end) is touched, and only when a finding changed (same_findings) or the
// full evaluation brings window_end to the hour's end; `updated` tells whether a version was
// written. An alert fired on an hour boundary is final: raising it again changes nothing.
Status refresh_provisional(clickhouse::Client& client, const Alert& a, UnixSeconds hour_end, bool& updated);
// What refresh_provisional compares: severity, title, summary, window start, measure, evidence,
// documents, units (not window_end: an immediate alert's is the moment of its tick).
bool same_findings(const Alert& a, const Alert& b);
// Newest first (fired_at, then id).
Status list_alerts(clickhouse::Client& client, const AlertFilter& filter, std::vector<Alert>& out);
// Invalid (naming the id) when there is no such alert.
Status get_alert(clickhouse::Client& client, const std::string& id, Alert& out);
// status acknowledged or closed; `who` is required; `reason` only for closed.
Status set_status(clickhouse::Client& client, const std::string& id, AlertStatus status, const std::string& who,
                  UnixSeconds when, const std::string& reason, Alert& updated);

}  // namespace yuqing::alerts
