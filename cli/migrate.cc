#include <iostream>

#include "cli/command.h"
#include "storage/clickhouse/migrations.h"
#include "stream/kafka.h"

namespace yuqing::cli {

void add_migrate_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "migrate",
      "Create or update the ClickHouse schema and the Kafka topics.\n"
      "Applies the versioned SQL migrations compiled into this binary, in order, recording each in\n"
      "<database>.schema_migrations; already applied ones are skipped, so it is safe to run any time.");
  auto skip_kafka = std::make_shared<bool>(false);
  cmd->add_flag("--no-kafka", *skip_kafka, "only migrate ClickHouse; leave Kafka topics alone");
  auto print_sql = std::make_shared<bool>(false);
  cmd->add_flag("--sql", *print_sql, "print every schema statement, in order, instead of applying anything");
  cmd->callback([&ctx, skip_kafka, print_sql] {
    if (*print_sql) {
      for (const auto& statement : clickhouse::schema_statements(clickhouse::embedded_migrations()))
        std::cout << statement << ";\n";
      return;
    }
    const Config& c = ctx.start("migrate");
    std::vector<std::string> applied;
    Status s = clickhouse::migrate(c.clickhouse, clickhouse::embedded_migrations(), applied);
    if (!s) {
      ctx.exit_code = report(s, "migrate (ClickHouse at " + c.clickhouse.url + ")");
      return;
    }
    spdlog::info("migrate: ClickHouse database '{}' at {}: {} migration(s) applied, {} known", c.clickhouse.database,
                 c.clickhouse.url, applied.size(), clickhouse::embedded_migrations().size());
    if (*skip_kafka) return;
    s = kafka::ensure_topics(c.kafka);
    if (!s) {
      ctx.exit_code = report(s, "creating Kafka topics at " + c.kafka.brokers);
      return;
    }
    spdlog::info("migrate: Kafka topics {}, {}, {} ready at {}", c.kafka.raw_topic, c.kafka.enriched_topic,
                 c.kafka.dead_letter_topic, c.kafka.brokers);
  });
}

}  // namespace yuqing::cli
