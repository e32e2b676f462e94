// Crawl health: the counters a crawl keeps per source, and their Prometheus text exposition
// (metrics.prom, `yuqing crawl --metrics-port`, served by metrics_server.h) — the numbers behind
// the crawl_health table and the dashboard.
//
// Contract
// - The metric names, labels and failure reasons below are an interface: alert rules, dashboards
//   and crawl_health rows read them. Add, never rename.
// - prometheus_metrics() is a pure function of the stats: families in a fixed order, sources in
//   name order, label values escaped per the exposition format (\\, \", \n).
// - failure_reason() is the one place a failed fetch becomes a `reason` label; the crawler's own
//   reasons ("redirect loop", "not html", "over max_pages"...) are plain strings at their call.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "crawlers/fetcher.h"

namespace yuqing::crawlers {

// Crawl health of one source, for operators (metrics.prom and ClickHouse crawl_health).
struct SourceHealth {
  uint64_t fetched = 0;           // 2xx answers
  uint64_t not_modified = 0;      // 304 answers
  uint64_t documents = 0;         // documents produced (items included)
  uint64_t dated = 0;             // of those, with a publish time found
  uint64_t lists = 0;             // list, feed and sitemap pages read
  uint64_t robots_disallowed = 0;
  uint64_t retries = 0;           // transient failures that were retried
  std::map<std::string, uint64_t> failed;  // by reason ("http 404", "timeout", "body too large"...)
  double last_success = 0;        // Unix seconds of the last 2xx/304
};

struct CrawlStats {
  uint64_t fetched = 0;     // transfers that returned 2xx
  uint64_t not_modified = 0;
  uint64_t documents = 0;   // documents produced to Kafka
  uint64_t lists = 0;       // list pages read for links
  std::map<std::string, uint64_t> failed;  // by reason, over all sources
  std::map<std::string, SourceHealth> sources;
};

// Prometheus text exposition of the stats (yuqing_crawl_* metrics, label source).
std::string prometheus_metrics(const CrawlStats& stats);

// The reason label of a failed fetch: "http <status>" for an HTTP failure, "timeout",
// "body too large", "refused address", "too many redirects", and "transport" for the other
// transport failures (DNS, connect, TLS, bad URL, reset...: one label, as before FetchFailure
// told them apart, so existing dashboards and crawl_health history stay comparable).
// `failure` must not be FetchFailure::none.
std::string failure_reason(FetchFailure failure, long http_status);

}  // namespace yuqing::crawlers
