// Source: the facts of the stored documents (ClickHouse `documents`) for `alert run` — the same
// facts the backtest makes in memory (alerts/facts.h), so both give the same alerts.
#pragma once

#include <vector>

#include "alerts/facts.h"
#include "core/status.h"
#include "storage/clickhouse/client.h"

namespace yuqing::alerts {

// Documents with event_time in [from, to), newest version of each id.
Status load_facts(clickhouse::Client& client, UnixSeconds from, UnixSeconds to,
                  const std::vector<std::string>& official_sites, std::vector<Fact>& out);
extern const char* const kLoadFactsSql;  // with {from} and {to} placeholders (for the portability test)

}  // namespace yuqing::alerts
