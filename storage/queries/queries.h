// Trend and count queries over the stored documents: one library behind the CLI, the API and the
// reports. Every function takes typed parameters and builds its SQL from them alone; strings from
// users are passed only through quote(), never spliced raw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/clickhouse/client.h"

namespace yuqing::queries {

// Number of distinct stored documents (exact, whatever merges have or have not happened).
Status count_documents(clickhouse::Client& client, uint64_t& count);

struct GroupCount {
  std::string site;
  std::string kind;
  uint64_t documents = 0;
};
// Distinct documents per site and kind, largest first.
Status count_by_site_and_kind(clickhouse::Client& client, std::vector<GroupCount>& out);

}  // namespace yuqing::queries
