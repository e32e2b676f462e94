#include <cstdlib>
#include <iostream>

#include "cli/command.h"
#include "crawlers/crawler.h"
#include "processors/processor.h"
#include "sandbox/server.h"
#include "storage/clickhouse/migrations.h"
#include "storage/clickhouse/sink.h"
#include "storage/kafka/kafka.h"
#include "storage/queries/queries.h"

namespace yuqing::cli {

std::string describe(const crawlers::CrawlStats& s);  // crawl.cc

namespace {

void step(int n, int total, const std::string& what) { std::cout << "[" << n << "/" << total << "] " << what << std::endl; }

Status run_demo(const Config& c, bool start_services) {
  constexpr int kSteps = 7;
  if (start_services) {
    step(1, kSteps, "starting Kafka, ClickHouse and the mail sink (scripts/services.sh start)");
    const std::string cmd = "bash '" + (c.home / "scripts" / "services.sh").string() + "' start";
    if (std::system(cmd.c_str()) != 0) return Status::fatal("scripts/services.sh start failed (see its output above)");
  } else {
    step(1, kSteps, "using the Kafka and ClickHouse named by the config (--no-services)");
  }

  step(2, kSteps, "migrating the ClickHouse schema and creating Kafka topics");
  std::vector<std::string> applied;
  if (Status s = clickhouse::migrate(c.clickhouse, clickhouse::embedded_migrations(), applied); !s) return s;
  if (Status s = kafka::ensure_topics(c.kafka); !s) return s;

  step(3, kSteps, "generating the sandbox web and serving it on " + c.sandbox.host + ":" + std::to_string(c.sandbox.port));
  const auto web = sandbox::SandboxWeb::generate(sandbox::load_scenario(c.resolve(c.sandbox.scenario)), c.sandbox.seed);
  sandbox::SandboxServer server(web);
  if (Status s = server.start(c.sandbox.host, c.sandbox.port); !s) return s;

  step(4, kSteps, "crawling " + std::to_string(web.documents().size()) + " sandbox documents into Kafka");
  Status s;
  auto producer = kafka::Producer::create(c.kafka, "yuqing-crawler", s);
  if (!s) return s;
  crawlers::CrawlStats crawl;
  if (s = crawlers::run_crawl(c, crawlers::load_sources(c.resolve(c.crawler.sources_file)), *producer, crawl); !s) return s;
  producer.reset();
  server.stop();
  std::cout << "      " << describe(crawl) << std::endl;

  step(5, kSteps, "tagging documents (Kafka " + c.kafka.raw_topic + " -> " + c.kafka.enriched_topic + ")");
  const processors::Analyzer analyzer(c.resolve(c.processor.rules_dir));
  processors::ProcessStats process;
  if (s = processors::run_processor(c, analyzer, {true, 0}, process); !s) return s;
  std::cout << "      " << process.enriched << " enriched, " << process.dead_lettered << " dead-lettered" << std::endl;

  step(6, kSteps, "storing into ClickHouse (Kafka " + c.kafka.enriched_topic + " -> " + c.clickhouse.database + ".documents)");
  clickhouse::SinkStats sink;
  if (s = clickhouse::run_sink(c, {true, 0}, sink); !s) return s;
  std::cout << "      " << sink.inserted << " rows inserted in " << sink.batches << " batches, " << sink.dead_lettered
            << " dead-lettered" << std::endl;

  step(7, kSteps, "what is stored");
  clickhouse::Client client(c.clickhouse);
  uint64_t total = 0;
  std::vector<queries::GroupCount> groups;
  if (s = queries::count_documents(client, total); !s) return s;
  if (s = queries::count_by_site_and_kind(client, groups); !s) return s;
  for (const auto& g : groups) std::cout << "      " << g.site << " / " << g.kind << ": " << g.documents << "\n";
  std::cout << "      " << total << " distinct documents in " << c.clickhouse.database << ".documents at "
            << c.clickhouse.url << "\n\n"
            << "Where to look:\n"
            << "  build/bin/yuqing query count        distinct stored documents\n"
            << "  build/bin/yuqing query summary      by site and kind\n"
            << "  build/bin/yuqing serve              the dashboard at http://127.0.0.1:18090/ (configs/server.yaml): user demo,\n"
            << "                                      password in var/secrets/dashboard.password (made on first start)\n"
            << "  scripts/services.sh status          where Kafka, ClickHouse and the mail sink listen\n"
            << "  var/log/                            service logs\n";
  return Status::ok();
}

}  // namespace

void add_demo_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the whole pipeline once on the built-in sandbox web: start the local services if needed,\n"
      "migrate, serve the sandbox, crawl it into Kafka, tag, store in ClickHouse, and print what\n"
      "was stored and where to look. Safe to run again: stored documents are not duplicated.");
  auto no_services = std::make_shared<bool>(false);
  cmd->add_flag("--no-services", *no_services, "do not run scripts/services.sh; use the configured Kafka and ClickHouse");
  cmd->callback([&ctx, no_services] {
    const Config& c = ctx.start("demo");
    ctx.exit_code = report(run_demo(c, !*no_services), "demo");
  });
}

}  // namespace yuqing::cli
