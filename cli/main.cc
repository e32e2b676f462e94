// yuqing: public-opinion monitoring for a district government, one binary with a subcommand per
// pipeline stage. See README.md for the two commands that run the demo and the tests.
#include <spdlog/spdlog.h>

#include "cli/command.h"
#include "cli/guard.h"
#include "core/log.h"
#include "core/shutdown.h"
#include "core/time.h"

namespace yuqing::cli {

const Config& Context::start(const std::string& stage) {
  init_logging(stage, log_level);
  install_shutdown_handlers();
  if (!config) {
    config = load_config(config_path.empty() ? default_config_path() : std::filesystem::path(config_path));
    set_local_offset_minutes(config->time.utc_offset_minutes);  // once, before any stage starts a thread
  }
  return *config;
}

int report(const Status& s, const std::string& what) {
  if (s) return 0;
  spdlog::error("{} failed: {}", what, s.to_string());
  return s.kind() == Status::Kind::invalid ? 2 : 1;
}

}  // namespace yuqing::cli

int main(int argc, char** argv) {
  using namespace yuqing;
  CLI::App app{
      "yuqing — public-opinion (舆情) monitoring for a district government.\n"
      "Crawls news, comments, message boards and forums; tags each document with its policy issue,\n"
      "responsible departments, sentiment, intent and places; streams through Kafka into ClickHouse.\n\n"
      "Typical runs:\n"
      "  yuqing demo                    the whole pipeline on the built-in sandbox web\n"
      "  yuqing crawl && yuqing process --drain && yuqing sink --drain\n"
      "  yuqing query count             how many distinct documents are stored\n"};
  app.require_subcommand(1);
  app.fallthrough();
  cli::Context ctx;
  app.add_option("-c,--config", ctx.config_path,
                 "pipeline configuration (YAML); default: $YUQING_CONFIG, else configs/pipeline.yaml");
  app.add_option("--log-level", ctx.log_level, "trace, debug, info, warn or error; default: $YUQING_LOG_LEVEL or info");

  cli::add_sandbox_command(app, ctx);
  cli::add_crawl_command(app, ctx);
  cli::add_process_command(app, ctx);
  cli::add_sink_command(app, ctx);
  cli::add_migrate_command(app, ctx);
  cli::add_query_command(app, ctx);
  cli::add_demo_command(app, ctx);
  cli::add_analyze_command(app, ctx);
  cli::add_train_command(app, ctx);
  cli::add_extract_command(app, ctx);
  cli::add_robots_check_command(app, ctx);
  cli::add_alert_command(app, ctx);
  cli::add_report_command(app, ctx);
  cli::add_mail_command(app, ctx);
  cli::add_serve_command(app, ctx);
  cli::add_config_command(app, ctx);
  cli::add_ingest_command(app, ctx);

  return cli::run_guarded(app, [&] {
    app.parse(argc, argv);
    return ctx.exit_code;
  });
}
