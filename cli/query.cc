#include <iostream>

#include "cli/command.h"
#include "storage/queries/queries.h"

namespace yuqing::cli {

void add_query_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("query", "Ask the stored documents questions (analysts' queries).");
  cmd->require_subcommand(1);

  auto* count = cmd->add_subcommand("count", "Print the number of distinct stored documents.");
  count->callback([&ctx] {
    const Config& c = ctx.start("query");
    clickhouse::Client client(c.clickhouse);
    uint64_t n = 0;
    if (Status s = queries::count_documents(client, n); !s) {
      ctx.exit_code = report(s, "query count");
      return;
    }
    std::cout << n << "\n";
  });

  auto* summary = cmd->add_subcommand("summary", "Distinct stored documents by site and kind, as a table.");
  summary->callback([&ctx] {
    const Config& c = ctx.start("query");
    clickhouse::Client client(c.clickhouse);
    std::vector<queries::GroupCount> rows;
    if (Status s = queries::count_by_site_and_kind(client, rows); !s) {
      ctx.exit_code = report(s, "query summary");
      return;
    }
    std::printf("%-24s %-10s %10s\n", "site", "kind", "documents");
    for (const auto& r : rows) std::printf("%-24s %-10s %10llu\n", r.site.c_str(), r.kind.c_str(), (unsigned long long)r.documents);
  });
}

}  // namespace yuqing::cli
