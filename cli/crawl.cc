#include "cli/command.h"
#include "crawlers/crawler.h"
#include "storage/kafka/kafka.h"

namespace yuqing::cli {

std::string describe(const crawlers::CrawlStats& s) {
  std::string failed;
  for (const auto& [reason, n] : s.failed) failed += (failed.empty() ? "" : ", ") + reason + ": " + std::to_string(n);
  return std::to_string(s.fetched) + " pages fetched, " + std::to_string(s.lists) + " list pages, " +
         std::to_string(s.documents) + " documents produced" + (failed.empty() ? "" : "; failed: " + failed);
}

void add_crawl_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "crawl",
      "Crawl every source in the sources file once and produce one JSON document per item to Kafka\n"
      "(topic kafka.raw_topic, key = document id). Exits when nothing is left to fetch and Kafka has\n"
      "acknowledged every document.");
  auto* sources = cmd->add_option("--sources", "sources file (YAML); default: crawler.sources_file from the config");
  cmd->callback([&ctx, sources] {
    const Config& c = ctx.start("crawl");
    const auto file = sources->count() ? std::filesystem::path(sources->as<std::string>()) : c.resolve(c.crawler.sources_file);
    const auto list = crawlers::load_sources(file);
    Status s;
    auto producer = kafka::Producer::create(c.kafka, "yuqing-crawler", s);
    if (!s) {
      ctx.exit_code = report(s, "crawl");
      return;
    }
    spdlog::info("crawl: {} source(s) from {}", list.size(), file.string());
    crawlers::CrawlStats stats;
    s = crawlers::run_crawl(c, list, *producer, stats);
    spdlog::info("crawl: {}", describe(stats));
    ctx.exit_code = report(s, "crawl");
  });
}

}  // namespace yuqing::cli
