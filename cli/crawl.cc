#include <nlohmann/json.hpp>

#include <random>

#include "cli/command.h"
#include "core/time.h"
#include "crawlers/crawler.h"
#include "crawlers/metrics_server.h"
#include "storage/clickhouse/client.h"
#include "stream/kafka.h"

namespace yuqing::cli {

std::string describe(const crawlers::CrawlStats& s) {
  std::string failed;
  for (const auto& [reason, n] : s.failed) failed += (failed.empty() ? "" : ", ") + reason + ": " + std::to_string(n);
  return std::to_string(s.fetched) + " pages fetched, " + std::to_string(s.not_modified) + " not modified, " +
         std::to_string(s.lists) + " list pages, " + std::to_string(s.documents) + " documents produced" +
         (failed.empty() ? "" : "; failed: " + failed);
}

namespace {

// One crawl_health row per source (storage/clickhouse/migrations/005_crawl_health.sql).
std::string health_rows(const crawlers::CrawlStats& stats, const std::string& run_id) {
  std::string rows;
  const std::string now = format_clickhouse_utc(now_seconds());
  for (const auto& [source, h] : stats.sources) {
    nlohmann::json reasons = nlohmann::json::array(), counts = nlohmann::json::array();
    uint64_t failed = 0;
    for (const auto& [reason, n] : h.failed) {
      reasons.push_back(reason);
      counts.push_back(n);
      failed += n;
    }
    nlohmann::json row = {{"time", now}, {"run_id", run_id}, {"source", source}, {"fetched", h.fetched},
                          {"not_modified", h.not_modified}, {"documents", h.documents}, {"dated", h.dated},
                          {"lists", h.lists}, {"robots_disallowed", h.robots_disallowed}, {"retries", h.retries},
                          {"failed", failed}, {"failed_reasons", reasons}, {"failed_counts", counts},
                          {"last_success", h.last_success > 0 ? nlohmann::json(format_clickhouse_utc(UnixSeconds(h.last_success)))
                                                              : nlohmann::json(nullptr)}};
    rows += row.dump() + "\n";
  }
  return rows;
}

}  // namespace

void add_crawl_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "crawl",
      "Crawl the sources and produce one JSON document per item to Kafka (topic kafka.raw_topic,\n"
      "key = document id). The frontier is kept in crawler.state_dir (one file per source), so a\n"
      "restart — also after a crash — fetches only what is due. Runs until stopped (Ctrl-C),\n"
      "re-crawling lists, feeds and comment pages on their schedules; with --once it does one pass\n"
      "over what is due and exits after Kafka acknowledged every document. Crawl health goes to\n"
      "<state_dir>/metrics.prom (Prometheus text format), ClickHouse table crawl_health and, with\n"
      "--metrics-port, http://HOST:PORT/metrics for Prometheus to scrape.");
  auto* sources = cmd->add_option("--sources", "sources file (YAML); default: crawler.sources_file from the config");
  auto once = std::make_shared<bool>(false);
  cmd->add_flag("--once", *once, "one pass over what is due, then exit");
  auto no_state = std::make_shared<bool>(false);
  cmd->add_flag("--no-state", *no_state, "keep the frontier in memory only: fetch everything, remember nothing");
  auto no_health = std::make_shared<bool>(false);
  cmd->add_flag("--no-health", *no_health, "do not write crawl_health rows to ClickHouse");
  auto metrics_port = std::make_shared<int>(-1);
  cmd->add_option("--metrics-port", *metrics_port,
                  "also serve the metrics at http://HOST:PORT/metrics while crawling (0: a free port, logged)");
  auto metrics_host = std::make_shared<std::string>("127.0.0.1");
  cmd->add_option("--metrics-host", *metrics_host, "address the metrics server listens on")->capture_default_str();
  cmd->callback([&ctx, sources, once, no_state, no_health, metrics_port, metrics_host] {
    const Config& c = ctx.start("crawl");
    const auto file = sources->count() ? std::filesystem::path(sources->as<std::string>()) : c.resolve(c.crawler.sources_file);
    const auto list = crawlers::load_sources(file);
    Status s;
    auto producer = kafka::Producer::create(c.kafka, "yuqing-crawler", s);
    if (!s) {
      ctx.exit_code = report(s, "crawl");
      return;
    }
    crawlers::CrawlOptions options;
    options.once = *once;
    options.persist = !*no_state;
    const auto state_dir = c.resolve(c.crawler.state_dir);
    std::filesystem::create_directories(state_dir);
    options.metrics_file = (state_dir / "metrics.prom").string();
    crawlers::MetricsServer metrics;
    if (*metrics_port >= 0) {
      if (s = metrics.start(*metrics_host, *metrics_port); !s) {
        ctx.exit_code = report(s, "crawl");
        return;
      }
      metrics.set(crawlers::prometheus_metrics({}));
      options.publish_metrics = [&metrics](const std::string& text) { metrics.set(text); };
      spdlog::info("crawl: metrics at http://{}:{}/metrics", *metrics_host, metrics.port());
    }
    std::unique_ptr<clickhouse::Client> health;
    if (!*no_health) {
      health = std::make_unique<clickhouse::Client>(c.clickhouse);
      const std::string run_id = std::to_string(now_seconds()) + "-" + std::to_string(std::random_device{}() % 1000000);
      options.report = [&health, run_id](const crawlers::CrawlStats& stats) {
        auto r = health->execute("INSERT INTO crawl_health FORMAT JSONEachRow", health_rows(stats, run_id));
        if (!r.status) spdlog::warn("crawl: crawl_health not written (run `yuqing migrate`?): {}", r.status.to_string());
      };
    }
    spdlog::info("crawl: {} source(s) from {}{}", list.size(), file.string(), *once ? ", one pass" : "");
    crawlers::CrawlStats stats;
    s = crawlers::run_crawl(c, list, *producer, stats, options);
    spdlog::info("crawl: {}", describe(stats));
    ctx.exit_code = report(s, "crawl");
  });
}

}  // namespace yuqing::cli
