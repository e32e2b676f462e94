#include <fstream>
#include <thread>

#include "cli/command.h"
#include "core/shutdown.h"
#include "sandbox/server.h"

namespace yuqing::cli {

void add_sandbox_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "sandbox",
      "Serve the sandbox web — local sites generated from a seed — on loopback until Ctrl-C.\n"
      "With --truth FILE, first write one JSON line per document it serves (the answers the crawl\n"
      "and the taggers are checked against). Same seed, same bytes.");
  auto truth = std::make_shared<std::string>();
  cmd->add_option("--truth", *truth, "write the truth file (JSON lines) here");
  auto no_serve = std::make_shared<bool>(false);
  cmd->add_flag("--no-serve", *no_serve, "write the truth file and exit");
  auto port = std::make_shared<int>(0);
  cmd->add_option("--port", *port, "port to listen on; default: sandbox.port from the config");
  cmd->callback([&ctx, truth, no_serve, port] {
    Config c = ctx.start("sandbox");
    if (*port) c.sandbox.port = *port;
    const auto web = sandbox::SandboxWeb::generate(c.sandbox);
    const std::string base = "http://" + c.sandbox.host + ":" + std::to_string(c.sandbox.port);
    if (!truth->empty()) {
      std::ofstream out(*truth, std::ios::binary);
      out << web.truth_jsonl(base);
      if (!out) {
        ctx.exit_code = report(Status::invalid("cannot write " + *truth), "sandbox");
        return;
      }
      spdlog::info("sandbox: truth for {} documents written to {}", web.documents().size(), *truth);
    }
    if (*no_serve) return;
    sandbox::SandboxServer server(web);
    if (Status s = server.start(c.sandbox.host, c.sandbox.port); !s) {
      ctx.exit_code = report(s, "sandbox");
      return;
    }
    spdlog::info("sandbox: serving {} documents at {}/portal/news/index.html (Ctrl-C stops)", web.documents().size(), base);
    while (!shutdown_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.stop();
  });
}

}  // namespace yuqing::cli
