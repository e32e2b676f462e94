#include <fstream>
#include <thread>

#include "cli/command.h"
#include "core/shutdown.h"
#include "processors/analyzer.h"
#include "sandbox/documents.h"
#include "sandbox/server.h"
#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "storage/sink.h"

namespace yuqing::cli {

namespace {

// The scenario's documents tagged by the analyzer (the `process` code path) and inserted straight
// into ClickHouse: what a demo stores, in seconds, for tests and for trying the analyst tools.
Status store_documents(const Config& c, const sandbox::SandboxWeb& web, const sandbox::Origins& origins) {
  std::vector<std::string> applied;
  if (Status s = clickhouse::migrate(c.clickhouse, clickhouse::embedded_migrations(), applied); !s) return s;
  const processors::Analyzer analyzer(c.resolve(c.processor.rules_dir));
  clickhouse::Client client(c.clickhouse);
  const auto docs = sandbox::crawled_documents(web, origins);
  std::string body;
  size_t in_body = 0, stored = 0;
  auto flush = [&]() -> Status {
    if (in_body == 0) return Status::ok();
    if (Status s = client.execute("INSERT INTO documents FORMAT JSONEachRow", body).status; !s) return s;
    stored += in_body;
    spdlog::info("sandbox: stored {} of {} documents", stored, docs.size());
    body.clear();
    in_body = 0;
    return Status::ok();
  };
  for (const auto& d : docs) {
    body += clickhouse::to_row(EnrichedDocument{d, analyzer.analyze(d), now_seconds()});
    if (++in_body == 2000) {
      if (Status s = flush(); !s) return s;
    }
  }
  return flush();
}

}  // namespace

void add_sandbox_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "sandbox",
      "Serve the sandbox web — five local sites generated from a scenario and a seed — on loopback\n"
      "until Ctrl-C: site k on port sandbox.port + k (docs/SANDBOX.md). With --truth FILE, first write\n"
      "one JSON line per document it serves (the answers crawls and taggers are checked against).\n"
      "Same scenario and seed, same bytes.");
  auto truth = std::make_shared<std::string>();
  cmd->add_option("--truth", *truth, "write the truth file (JSON lines) here");
  auto documents = std::make_shared<std::string>();
  cmd->add_option("--documents", *documents,
                  "write the documents as a crawl delivers them (yuqing.raw/1 JSON lines, with context) here:\n"
                  "input for `yuqing analyze`, to check the taggers against the truth without a crawl");
  auto no_serve = std::make_shared<bool>(false);
  cmd->add_flag("--no-serve", *no_serve, "write the truth (and documents) file and exit");
  auto store = std::make_shared<bool>(false);
  cmd->add_flag("--store", *store,
                "tag every document with the analyzer and store it in ClickHouse directly (no crawl, no Kafka;\n"
                "migrates first), then exit: a stored scenario in seconds for tests and trying the analyst tools");
  auto port = std::make_shared<int>(0);
  cmd->add_option("--port", *port, "base port (site k listens on port + k); default: sandbox.port from the config");
  auto seed = std::make_shared<long>(-1);
  cmd->add_option("--seed", *seed, "generation seed; default: sandbox.seed from the config");
  auto scenario = std::make_shared<std::string>();
  cmd->add_option("--scenario", *scenario, "scenario YAML; default: sandbox.scenario from the config");
  auto speed = std::make_shared<double>(0);
  cmd->add_option("--speed", *speed,
                  "release the timeline gradually: one simulated week every N wall seconds (default 0: all at once)")
      ->check(CLI::NonNegativeNumber);
  auto from_now = std::make_shared<bool>(false);
  cmd->add_flag("--from-now", *from_now,
                "with --speed: the simulated clock starts at the wall clock's now, not at the timeline's start\n"
                "(a timeline that includes today; --speed 604800 then shows each document at its publish time)");
  cmd->callback([&ctx, truth, documents, no_serve, store, port, seed, scenario, speed, from_now] {
    Config c = ctx.start("sandbox");
    if (*port) c.sandbox.port = *port;
    if (*seed >= 0) c.sandbox.seed = *seed;
    const auto web = sandbox::SandboxWeb::generate(sandbox::load_scenario(scenario->empty() ? c.resolve(c.sandbox.scenario) : std::filesystem::path(*scenario)),
                                                   c.sandbox.seed);
    const auto origins = sandbox::origins_for(c.sandbox.host, c.sandbox.port);
    if (!truth->empty()) {
      std::ofstream out(*truth, std::ios::binary);
      out << web.truth_jsonl(origins);
      if (!out) {
        ctx.exit_code = report(Status::invalid("cannot write " + *truth), "sandbox");
        return;
      }
      spdlog::info("sandbox: truth for {} documents written to {}", web.documents().size(), *truth);
    }
    if (!documents->empty()) {
      std::ofstream out(*documents, std::ios::binary);
      const auto docs = sandbox::crawled_documents(web, origins);
      for (const auto& d : docs) out << to_json(d) << '\n';
      if (!out) {
        ctx.exit_code = report(Status::invalid("cannot write " + *documents), "sandbox");
        return;
      }
      spdlog::info("sandbox: {} documents written to {}", docs.size(), *documents);
    }
    if (*store) {
      ctx.exit_code = report(store_documents(c, web, origins), "sandbox --store");
      if (ctx.exit_code == 0) spdlog::info("sandbox: {} documents stored in {}", web.documents().size(), c.clickhouse.database);
      return;
    }
    if (*no_serve) return;
    sandbox::SandboxServer server(web, {*speed, *from_now});
    if (Status s = server.start(c.sandbox.host, c.sandbox.port); !s) {
      ctx.exit_code = report(s, "sandbox");
      return;
    }
    for (size_t k = 0; k < origins.size(); ++k) spdlog::info("sandbox: {} at {}", sandbox::kSiteNames[k], server.origins()[k]);
    if (*speed > 0) {
      spdlog::info("sandbox: serving {} documents, releasing one simulated week every {} s (Ctrl-C stops)", web.documents().size(), *speed);
    } else {
      spdlog::info("sandbox: serving {} documents (Ctrl-C stops)", web.documents().size());
    }
    while (!shutdown_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.stop();
  });
}

}  // namespace yuqing::cli
