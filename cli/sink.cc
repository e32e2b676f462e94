#include <unistd.h>

#include "cli/command.h"
#include "storage/sink.h"

namespace yuqing::cli {

void add_sink_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "sink",
      "Consume enriched documents from Kafka and insert them into ClickHouse in batches. Offsets are\n"
      "committed only after ClickHouse accepted the rows, so nothing is lost on a crash. Runs until\n"
      "stopped, or with --drain until every partition is read to its end.");
  auto drain = std::make_shared<bool>(false);
  cmd->add_flag("--drain", *drain, "stop once the input topic is read to its end");
  auto idle_ms = std::make_shared<int>(0);  // outlives this function: the callback runs later
  cmd->add_option("--idle-exit-ms", *idle_ms, "with --drain: also stop after this long without input")->capture_default_str();
  // Unique per running sink of a group: it names the Kafka transactional id, and a second process
  // with the same one fences the first. The host name makes it unique across hosts.
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  auto instance = std::make_shared<std::string>(host);
  cmd->add_option("--instance", *instance,
                  "unique name of this sink process in its group (its Kafka transactional id); run several on\n"
                  "one host with different names")
      ->capture_default_str();
  cmd->callback([&ctx, drain, idle_ms, instance] {
    const Config& c = ctx.start("sink");
    clickhouse::SinkStats stats;
    const Status s = clickhouse::run_sink(c, clickhouse::SinkRun{*drain, *idle_ms, *instance}, stats);
    spdlog::info("sink: {} consumed, {} rows inserted in {} batches, {} dead-lettered, {} retries", stats.consumed,
                 stats.inserted, stats.batches, stats.dead_lettered, stats.retries);
    ctx.exit_code = report(s, "sink");
  });
}

}  // namespace yuqing::cli
