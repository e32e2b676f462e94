// Crawler stage: sources -> frontier -> robots/politeness -> fetch -> decode -> parse -> extract
// -> Kafka topic yuqing.raw (one JSON document per item, key = document id).
//
// Contract
// - Every source has a Frontier (frontier.h). Seeds are due at start; pages yield links by role
//   (lists, feeds, sitemaps, documents, item pages, comment API pages; see sources.h) on the
//   seeds' origins only. Redirects are followed hop by hop (at most 5), each hop through
//   robots.txt and politeness again.
// - Before any request to an origin its robots.txt is fetched (RobotsCache); disallowed URLs are
//   never fetched (counted as "robots disallowed" and checked again when the rules expire).
//   Crawl-delay, per-host connections and token buckets come from politeness.h.
// - Retries: 429, 5xx and transient transport failures retry with exponential back-off and
//   jitter (Retry-After when given) up to CrawlerOptions::max_attempts per URL, then wait for the
//   URL's next due time. 4xx, over-size bodies, non-HTML pages and refused addresses are final
//   for that fetch and counted by reason. Nothing of this stops the run; Kafka failures do.
// - Conditional GET: a URL fetched before is requested with its ETag/Last-Modified; a 304
//   counts as a success that produces nothing new.
// - Schedules: lists, feeds and sitemaps are due again after the source's recrawl_minutes;
//   document pages never (unless items sit on them, like replies to a message); item pages and
//   comment API pages at decaying intervals — half the thread's age, at least the item set's
//   recrawl_minutes — until recrawl_days after the thread was first seen.
// - Acknowledgement: frontier changes are committed to the state file only after producer.flush()
//   confirmed every document produced so far (every CrawlOptions::commit_interval_s), so a kill
//   at any moment loses nothing: uncommitted pages are simply fetched again after the restart.
// - once: the run ends when no URL is due, none is waiting for a retry and nothing is in flight.
//   Otherwise it runs until shutdown is requested, sleeping until the next due time.
// - The run succeeds only after Kafka acknowledged every produced document.
// Single-threaded: the crawl loop owns the frontier, politeness and fetcher.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "crawlers/metrics.h"
#include "crawlers/sources.h"

namespace yuqing::kafka {
class Producer;
}

namespace yuqing::crawlers {

struct CrawlOptions {
  bool once = true;                // one pass over what is due, then return
  bool persist = false;            // keep frontier state in <state_dir>/<source>.state
  double commit_interval_s = 1.0;  // how often Kafka is flushed and the frontier committed
  std::string metrics_file;        // Prometheus text file rewritten at every commit ("" = none)
  // Called on the crawl thread with the Prometheus text after every commit (e.g. to hand it to a
  // MetricsServer); it must not block for long.
  std::function<void(const std::string&)> publish_metrics;
  // Called on the crawl thread after a commit, at most every report_interval_s and once at the
  // end (e.g. to write crawl_health rows); it must not block for long.
  std::function<void(const CrawlStats&)> report;
  double report_interval_s = 300;
};

Status run_crawl(const Config& config, const std::vector<Source>& sources, kafka::Producer& producer, CrawlStats& stats,
                 const CrawlOptions& options = {});

}  // namespace yuqing::crawlers
