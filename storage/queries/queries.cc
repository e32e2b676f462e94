#include "storage/queries/queries.h"

#include <sstream>

namespace yuqing::queries {

Status count_documents(clickhouse::Client& client, uint64_t& count) {
  auto r = client.execute("SELECT uniqExact(id) FROM documents FORMAT TabSeparated");
  if (!r.status) return r.status;
  try {
    count = std::stoull(r.body);
  } catch (const std::exception&) {
    return Status::invalid("unexpected answer to count: '" + r.body + "'");
  }
  return Status::ok();
}

Status count_by_site_and_kind(clickhouse::Client& client, std::vector<GroupCount>& out) {
  auto r = client.execute(
      "SELECT site, kind, uniqExact(id) AS n FROM documents GROUP BY site, kind ORDER BY n DESC, site, kind "
      "FORMAT TabSeparated");
  if (!r.status) return r.status;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    GroupCount g;
    std::getline(fields, g.site, '\t');
    std::getline(fields, g.kind, '\t');
    fields >> g.documents;
    out.push_back(g);
  }
  return Status::ok();
}

}  // namespace yuqing::queries
