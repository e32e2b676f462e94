// Evidence: what every alert shows so that a reader can judge it without opening a database —
// sample documents with links, top sources, driving terms, the first publisher and the series —
// and the Chinese wording of places and numbers. Shared by all detectors.
#pragma once

#include <string>
#include <vector>

#include "core/alert.h"
#include "alerts/facts.h"

namespace yuqing::alerts {

// Fills document_ids, samples (up to `samples`, negative and top-level first, then earliest),
// top_sources (sites by documents), terms (keywords by documents, up to 8) and first_publisher
// from the facts at `indices`; for a district-wide alert (place "") the summary gains the places
// its documents name, most first (up to 3).
void add_evidence(const FactSet& facts, const std::vector<size_t>& indices, Alert& a, size_t samples = 5);

// Daily points over [from, to) in local days: observed = count of `indices` per day, expected =
// `expected_per_day` (flat).
std::vector<SeriesPoint> daily_series(const FactSet& facts, const std::vector<size_t>& indices, UnixSeconds from,
                                      UnixSeconds to, double expected_per_day, int utc_offset_minutes);

// "运河街道 老旧小区与棚户区改造", "全区 疫情防控", "未分类"…
std::string where_what(const std::string& issue, const std::string& place);
// "3.2e-07" / "0.004" style for p-values in Chinese text.
std::string format_p(double p);
std::string format_number(double x, int decimals = 1);

// Local hour of day (0-23) and start of the local day for an instant.
int local_hour(UnixSeconds t, int utc_offset_minutes);
UnixSeconds local_day_start(UnixSeconds t, int utc_offset_minutes);

}  // namespace yuqing::alerts
