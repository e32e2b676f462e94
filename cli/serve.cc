#include <chrono>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "core/shutdown.h"
#include "server/auth.h"
#include "server/config.h"
#include "server/server.h"

namespace yuqing::cli {

void add_serve_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve the dashboard and the JSON API (docs/API.md) until stopped.\n"
      "Users, the demo login and the bearer token are set in configs/server.yaml; the demo user's\n"
      "password is generated into var/secrets/dashboard.password on first start.\n"
      "Example: yuqing serve --port 18090, then open http://127.0.0.1:18090/");
  auto host = std::make_shared<std::string>();
  auto port = std::make_shared<int>(-1);
  auto server_config = std::make_shared<std::string>();
  auto hash = std::make_shared<bool>(false);
  cmd->add_option("--host", *host, "address to listen on; default: server.host (127.0.0.1, loopback only)");
  cmd->add_option("--port", *port, "port; default: server.port (18090); 0 picks a free port")->check(CLI::Range(0, 65535));
  cmd->add_option("--server-config", *server_config, "dashboard settings; default: server.yaml beside the pipeline config");
  cmd->add_flag("--hash-password", *hash, "read a password from stdin and print its hash for server.users (then exit)");
  cmd->callback([&ctx, host, port, server_config, hash] {
    if (Status s = server::init_crypto(); !s) {
      ctx.exit_code = report(s, "serve");
      return;
    }
    if (*hash) {
      std::string password, h;
      std::getline(std::cin, password);
      if (Status s = server::hash_password(password, h); !s) {
        ctx.exit_code = report(s, "serve --hash-password");
        return;
      }
      std::cout << h << "\n";
      return;
    }
    const Config& c = ctx.start("serve");
    server::ServerConfig sc;
    try {
      sc = server::load_server_config(server_config->empty() ? server::default_server_config_path(c.file) : std::filesystem::path(*server_config));
    } catch (const ConfigError& e) {
      spdlog::error("configuration error: {}", e.what());
      ctx.exit_code = 2;
      return;
    }
    if (!host->empty()) sc.host = *host;
    if (*port >= 0) sc.port = *port;
    std::string demo_password, token;
    Status s = sc.demo_user.empty() ? Status::ok() : server::demo_password(sc, demo_password);
    if (s) s = server::api_token(sc, token);
    if (!s) {
      ctx.exit_code = report(s, "serve");
      return;
    }
    server::DashboardServer dashboard(c.clickhouse, sc, std::make_unique<server::Auth>(sc, demo_password, token));
    add_ingest_route(dashboard, c);
    if (s = dashboard.start(sc.host, sc.port); !s) {
      ctx.exit_code = report(s, "serve");
      return;
    }
    if (sc.host != "127.0.0.1" && sc.host != "localhost" && sc.host != "::1")
      spdlog::warn("serve: listening on {}, not loopback: put TLS in front of it", sc.host);
    const std::string url = "http://" + sc.host + ":" + std::to_string(dashboard.port()) + "/";
    spdlog::info("serve: dashboard at {} (database {})", url, c.clickhouse.database);
    if (!sc.demo_user.empty())
      spdlog::info("serve: demo login: user '{}', password in {}", sc.demo_user, sc.resolve(sc.demo_password_file).string());
    spdlog::info("serve: bearer token for the API: {}", token.empty() ? "off" : "on");
    std::cout << "dashboard: " << url << std::endl;
    while (!shutdown_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    spdlog::info("serve: stopping");
    dashboard.stop();
  });
}

}  // namespace yuqing::cli
