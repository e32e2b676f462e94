#include "alerts/runner.h"

#include <map>

#include <spdlog/spdlog.h>

#include "alerts/engine.h"
#include "alerts/notify.h"
#include "alerts/source.h"
#include "storage/alerts/store.h"
#include "core/shutdown.h"
#include "mail/outbox.h"

namespace yuqing::alerts {

namespace {

// The facts in view of the hours after `from` (the lookback before `from` and up to `to`), and the
// stored alerts of the hours up to `from` — fired_at <= from: an alert fired inside the hour
// ending at `from + 1 h` belongs to that hour, whose evaluation raises it again.
Status load_view(clickhouse::Client& client, const AlertsConfig& ac, UnixSeconds from, UnixSeconds to, std::vector<Fact>& facts,
                 std::vector<Alert>& history) {
  if (Status s = load_facts(client, from - UnixSeconds(ac.lookback_days) * kDay, to, ac.official_sites, facts); !s) return s;
  AlertFilter f;
  f.since = from - UnixSeconds(ac.lookback_days) * kDay;
  f.until = from + 1;
  f.limit = 10000;
  return list_alerts(client, f, history);
}

// Stores a raised alert; an id stored already by an immediate evaluation of the same hour gets
// the newer findings.
Status store(clickhouse::Client& client, const Alert& a, UnixSeconds hour_end, const AlertsConfig& ac, RunStats& stats) {
  bool inserted = false;
  if (Status s = save_new(client, a, inserted); !s) return s;
  stats.raised += inserted;
  if (inserted) {
    spdlog::info("alert: {} [{}] {} ({} documents)", format_iso8601(a.fired_at, ac.utc_offset_minutes).substr(0, 19),
                 chinese_label(a.severity), a.title, a.document_ids.size());
    return Status::ok();
  }
  bool updated = false;
  if (Status s = refresh_provisional(client, a, hour_end, updated); !s) return s;
  spdlog::debug("alert: {} stored already{}: {}", a.id, updated ? " (findings brought up to date)" : "", a.title);
  return Status::ok();
}

Status enqueue(mail::Outbox& outbox, const std::vector<mail::Email>& mails, UnixSeconds now, RunStats& stats) {
  for (const auto& m : mails) {
    int added = 0;
    if (Status s = outbox.enqueue(m, now, &added); !s) return s;
    stats.mails += size_t(added);
  }
  return Status::ok();
}

}  // namespace

Status run_hours(const Config& c, const AlertsConfig& ac, const std::vector<UnixSeconds>& hours, bool send_mail, RunStats& stats) {
  if (hours.empty()) return Status::ok();
  clickhouse::Client client(c.clickhouse);
  std::vector<Fact> facts;
  std::vector<Alert> history;
  if (Status s = load_view(client, ac, hours.front() - kHour, hours.back(), facts, history); !s) return s;
  const FactSet set(std::move(facts));
  spdlog::info("alert: {} documents in view, {} earlier alerts, evaluating {} hour(s)", set.facts().size(), history.size(), hours.size());
  Engine engine(ac, std::move(history));
  mail::Outbox outbox = mail::Outbox::from_config(c);
  for (size_t k = 0; k < hours.size() && !shutdown_requested(); ++k) {
    const UnixSeconds h = hours[k];
    std::vector<Alert> raised, closed;
    engine.evaluate(set, h, raised, closed);
    for (const auto& a : raised)
      if (Status s = store(client, a, h, ac, stats); !s) return s;
    for (const auto& a : closed) {
      Alert updated;
      Status s = set_status(client, a.id, AlertStatus::closed, a.closed_by, *a.closed_at, a.close_reason, updated);
      if (s) {
        ++stats.closed;
        spdlog::info("alert: closed {} — {}", a.title, a.close_reason);
      }
      else if (s.kind() != Status::Kind::invalid) return s;  // invalid: closed already (a replay)
    }
    if (send_mail)
      if (Status s = enqueue(outbox, mails_for_hour(ac, engine.alerts(), h, c.mail.from), h, stats); !s) return s;
    if ((k + 1) % 168 == 0) spdlog::info("alert: {} of {} hours evaluated", k + 1, hours.size());
  }
  stats.hours += hours.size();
  stats.documents = set.facts().size();
  if (send_mail) spdlog::info("alert: {} new mail(s) in the outbox {} (yuqing mail flush sends them)", stats.mails, outbox.dir().string());
  return Status::ok();
}

Status run_immediate(const Config& c, const AlertsConfig& ac, UnixSeconds at, bool send_mail, RunStats& stats) {
  clickhouse::Client client(c.clickhouse);
  const UnixSeconds hour_end = at / kHour * kHour + kHour;
  std::vector<Fact> facts;
  std::vector<Alert> history;
  if (Status s = load_view(client, ac, hour_end - kHour, at, facts, history); !s) return s;
  const FactSet set(std::move(facts));
  // What earlier ticks of this hour stored: raised again unchanged, an alert costs no query.
  std::vector<Alert> stored;
  AlertFilter f;
  f.since = hour_end - kHour + 1;
  f.until = at + 1;
  f.limit = 10000;
  if (Status s = list_alerts(client, f, stored); !s) return s;
  std::map<std::string, const Alert*> by_id;
  for (const auto& a : stored) by_id[a.id] = &a;
  const Engine engine(ac, std::move(history));
  const std::vector<Alert> raised = engine.evaluate_immediate(set, at);
  for (const auto& a : raised) {
    auto it = by_id.find(a.id);
    if (it != by_id.end() && same_findings(*it->second, a)) continue;
    if (Status s = store(client, a, hour_end, ac, stats); !s) return s;
  }
  if (send_mail && !raised.empty()) {
    mail::Outbox outbox = mail::Outbox::from_config(c);
    const size_t before = stats.mails;
    if (Status s = enqueue(outbox, mails_for_immediate(ac, raised, at, c.mail.from), at, stats); !s) return s;
    if (stats.mails > before) spdlog::info("alert: {} new mail(s) in the outbox at once", stats.mails - before);
  }
  stats.documents = set.facts().size();
  return Status::ok();
}

}  // namespace yuqing::alerts
