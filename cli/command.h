// The CLI's shared plumbing: every subcommand registers itself on the root app with one
// add_*_command() call in main.cc, and reads the loaded Config through Context when it runs.
// Exit codes: 0 success, 1 the work failed (the log says why), 2 bad usage or configuration.
#pragma once

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace yuqing::server {
class DashboardServer;
}

namespace yuqing::cli {

struct Context {
  std::string config_path;
  std::string log_level;
  std::optional<Config> config;
  int exit_code = 0;

  // Names the log after the stage and loads the config (on first use, so `--help` never needs a
  // valid config), setting the district's local time from it (core/time.h). Throws ConfigError.
  const Config& start(const std::string& stage);
};

// Logs a failed Status and turns it into the process exit code.
int report(const Status& s, const std::string& what);

void add_sandbox_command(CLI::App& app, Context& ctx);
void add_crawl_command(CLI::App& app, Context& ctx);
void add_process_command(CLI::App& app, Context& ctx);
void add_sink_command(CLI::App& app, Context& ctx);
void add_migrate_command(CLI::App& app, Context& ctx);
void add_query_command(CLI::App& app, Context& ctx);
void add_demo_command(CLI::App& app, Context& ctx);
void add_analyze_command(CLI::App& app, Context& ctx);
void add_train_command(CLI::App& app, Context& ctx);
void add_extract_command(CLI::App& app, Context& ctx);
void add_robots_check_command(CLI::App& app, Context& ctx);
void add_alert_command(CLI::App& app, Context& ctx);
void add_report_command(CLI::App& app, Context& ctx);
void add_mail_command(CLI::App& app, Context& ctx);
void add_serve_command(CLI::App& app, Context& ctx);
void add_config_command(CLI::App& app, Context& ctx);
void add_ingest_command(CLI::App& app, Context& ctx);

// POST /api/ingest on the dashboard server (cli/ingest.cc): the CLI composes the server and ingest.
void add_ingest_route(server::DashboardServer& dashboard, const Config& config);

}  // namespace yuqing::cli
