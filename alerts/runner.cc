#include "alerts/runner.h"

#include <spdlog/spdlog.h>

#include "alerts/engine.h"
#include "alerts/notify.h"
#include "alerts/source.h"
#include "storage/alerts/store.h"
#include "core/shutdown.h"
#include "mail/outbox.h"

namespace yuqing::alerts {

Status run_hours(const Config& c, const AlertsConfig& ac, const std::vector<UnixSeconds>& hours, bool send_mail, RunStats& stats) {
  if (hours.empty()) return Status::ok();
  clickhouse::Client client(c.clickhouse);
  const UnixSeconds from = hours.front() - kHour;
  std::vector<Fact> facts;
  if (Status s = load_facts(client, from - UnixSeconds(ac.lookback_days) * kDay, hours.back(), ac.official_sites, facts); !s) return s;
  const FactSet set(std::move(facts));
  std::vector<Alert> history;
  AlertFilter f;
  f.since = from - UnixSeconds(ac.lookback_days) * kDay;
  f.until = from;
  f.limit = 10000;
  if (Status s = list_alerts(client, f, history); !s) return s;
  spdlog::info("alert: {} documents in view, {} earlier alerts, evaluating {} hour(s)", set.facts().size(), history.size(), hours.size());
  Engine engine(ac, std::move(history));
  mail::Outbox outbox = mail::Outbox::from_config(c);
  for (size_t k = 0; k < hours.size() && !shutdown_requested(); ++k) {
    const UnixSeconds h = hours[k];
    std::vector<Alert> raised, closed;
    engine.evaluate(set, h, raised, closed);
    for (const auto& a : raised) {
      bool inserted = false;
      if (Status s = save_new(client, a, inserted); !s) return s;
      stats.raised += inserted;
      if (inserted)
        spdlog::info("alert: {} [{}] {} ({} documents)", format_iso8601(h, ac.utc_offset_minutes).substr(0, 16),
                     chinese_label(a.severity), a.title, a.document_ids.size());
      else
        spdlog::debug("alert: {} stored already: {}", a.id, a.title);
    }
    for (const auto& a : closed) {
      Alert updated;
      Status s = set_status(client, a.id, AlertStatus::closed, a.closed_by, *a.closed_at, a.close_reason, updated);
      if (s) {
        ++stats.closed;
        spdlog::info("alert: closed {} — {}", a.title, a.close_reason);
      }
      else if (s.kind() != Status::Kind::invalid) return s;  // invalid: closed already (a replay)
    }
    if (send_mail) {
      for (const auto& m : mails_for_hour(ac, engine.alerts(), h, c.mail.from)) {
        int added = 0;
        if (Status s = outbox.enqueue(m, h, &added); !s) return s;
        stats.mails += size_t(added);
      }
    }
    if ((k + 1) % 168 == 0) spdlog::info("alert: {} of {} hours evaluated", k + 1, hours.size());
  }
  stats.hours += hours.size();
  stats.documents = set.facts().size();
  if (send_mail) spdlog::info("alert: {} new mail(s) in the outbox {} (yuqing mail flush sends them)", stats.mails, outbox.dir().string());
  return Status::ok();
}

}  // namespace yuqing::alerts
