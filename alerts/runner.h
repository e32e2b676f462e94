// Runner: the `alert run` stage over stored data — load the facts of the hours to evaluate (and the
// lookback before them) from ClickHouse, continue the episodes of stored alerts, evaluate hour by
// hour, store what is raised (save_new: a replay stores nothing twice), close what is answered, and
// put the mails each hour is due in the outbox (alerts/notify.h; `yuqing mail flush` delivers).
//
// Nothing here retries; a retry_later Status (ClickHouse unreachable) is for the caller's loop.
// Re-running the same hours is safe: alert ids, closing and Message-IDs are all deterministic.
//
// run_immediate() is the same over the hour in progress for the immediate detectors (watch terms,
// fast stories; Engine::evaluate_immediate): what they raise is stored with fired_at = `at`, its
// 重大 (and, outside quiet hours, 较大) mails go into the outbox at once, and the full evaluation of
// the hour (run_hours) raises the same ids again — storing nothing twice, mailing nothing twice,
// only bringing the stored findings up to the complete hour (refresh_provisional).
// Both read as history the stored alerts of the hours before the evaluated one (fired_at up to the
// previous hour's end), so both continue the same episodes.
#pragma once

#include <vector>

#include "alerts/config.h"
#include "core/config.h"
#include "core/status.h"
#include "core/time.h"

namespace yuqing::alerts {

struct RunStats {
  size_t hours = 0;
  size_t documents = 0;  // facts in view
  size_t raised = 0;     // alerts stored by this run (not stored before)
  size_t closed = 0;
  size_t mails = 0;      // new outbox entries (per recipient)
};

Status run_hours(const Config& config, const AlertsConfig& alerts, const std::vector<UnixSeconds>& hours, bool send_mail,
                 RunStats& stats);
Status run_immediate(const Config& config, const AlertsConfig& alerts, UnixSeconds at, bool send_mail, RunStats& stats);

}  // namespace yuqing::alerts
