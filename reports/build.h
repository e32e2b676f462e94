// Filling the report model (reports/model.h) for one ISO week from ClickHouse.
//
// Contract
// - Every figure comes from a query built by storage/queries (queries.h: trend, stories; weekly.h:
//   the report's own); report_statements() lists exactly the statements build_report() runs (with a
//   placeholder story id for the per-story ones), for `yuqing report weekly --sql` and the chDB
//   portability test.
// - A week with too little data is refused before anything is rendered: Status invalid whose
//   message names the week, what it holds and what is missing (documents, tagged issues), and what
//   the store holds instead. The CLI turns invalid into exit code 2.
// - An `alerts` table that is missing or empty is not an error: the report says 本周无预警.
// - Progress is logged (spdlog info) per step; nothing here retries.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "reports/model.h"
#include "storage/clickhouse/client.h"

namespace yuqing::reports {

struct Options {
  int iso_year = 0;
  int iso_week = 0;
  std::string timezone = "Asia/Shanghai";
  int deadline_days = 15;          // message replies later than this are late (the sandbox uses 15)
  int stories = 3;                 // leading stories in 重点事件
  int samples = 5;                 // representative documents per story
  uint64_t min_documents = 50;     // fewer documents in the week: refused
  std::string district;            // shown on the cover
  std::vector<std::string> places; // the district's towns and street, in the order they are listed
};

Status build_report(clickhouse::Client& client, const Options& o, Report& out);
Status report_statements(const Options& o, std::vector<std::string>& out);

// The district and its town and street names from configs/places.yaml (`district:` and the keys
// of `places:`, in file order).
Status load_places(const std::string& places_yaml, std::string& district, std::vector<std::string>& names);

}  // namespace yuqing::reports
