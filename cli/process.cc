#include "cli/command.h"
#include "processors/processor.h"

namespace yuqing::cli {

void add_process_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "process",
      "Consume raw documents from Kafka, tag them (policy issue and departments, sentiment, intent,\n"
      "places) and produce enriched documents. Runs until stopped (Ctrl-C finishes the batch in hand),\n"
      "or with --drain until every partition is read to its end.");
  auto drain = std::make_shared<bool>(false);
  cmd->add_flag("--drain", *drain, "stop once the input topic is read to its end");
  auto idle_ms = std::make_shared<int>(0);  // outlives this function: the callback runs later
  cmd->add_option("--idle-exit-ms", *idle_ms, "with --drain: also stop after this long without input")->capture_default_str();
  cmd->callback([&ctx, drain, idle_ms] {
    const Config& c = ctx.start("process");
    const processors::Analyzer analyzer(c.resolve(c.processor.rules_dir));
    processors::ProcessStats stats;
    const Status s = processors::run_processor(c, analyzer, processors::ProcessRun{*drain, *idle_ms}, stats);
    spdlog::info("process: {} consumed, {} enriched, {} dead-lettered", stats.consumed, stats.enriched, stats.dead_lettered);
    ctx.exit_code = report(s, "process");
  });
}

}  // namespace yuqing::cli
