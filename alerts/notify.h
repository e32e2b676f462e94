// Notify: which e-mails an evaluated hour sends, and what they say.
//
// Rules (configs/alerts.yaml, routing):
// - 重大 alerts go out the hour they fire, day or night;
// - 较大 alerts go out the hour they fire outside quiet hours; fired in quiet hours they go out at
//   quiet_end_hour;
// - 一般 alerts go out in one digest per recipient at digest_hour, covering the 24 hours before.
// - alerts raised by an immediate evaluation (alerts/engine.h, within the hour) follow the same
//   rules at the moment they are raised: 重大 at once, 较大 at once outside quiet hours; the others
//   are left to the hourly rules above (the hour's full evaluation raises them again).
// Recipients: the addresses of the alert's departments (routing.recipients) plus the openness office.
//
// Every mail has a stable Message-ID — (alert id, recipient) or (digest day, recipient) — so the
// outbox (mail/outbox.h) takes each once however often an hour is replayed. Every piece of document
// text is escaped in the HTML part and cannot reach a header (mail/message.h sanitises headers).
#pragma once

#include <string>
#include <vector>

#include "core/alert.h"
#include "alerts/config.h"
#include "mail/message.h"

namespace yuqing::alerts {

// The mails due at the end of hour `now`, given every alert known so far (fired at or before now).
std::vector<mail::Email> mails_for_hour(const AlertsConfig& config, const std::vector<Alert>& alerts, UnixSeconds now,
                                        const std::string& from);

// The mails due at once for alerts an immediate evaluation raised at `at` (their fired_at).
std::vector<mail::Email> mails_for_immediate(const AlertsConfig& config, const std::vector<Alert>& raised, UnixSeconds at,
                                             const std::string& from);

// One alert to one recipient.
mail::Email alert_email(const AlertsConfig& config, const Alert& a, const std::string& recipient, const std::string& from);
// The 一般 alerts of a day to one recipient.
mail::Email digest_email(const AlertsConfig& config, const std::vector<const Alert*>& alerts, UnixSeconds now,
                         const std::string& recipient, const std::string& from);

}  // namespace yuqing::alerts
