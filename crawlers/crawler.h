// Crawler stage: sources -> fetch -> decode -> parse -> extract -> Kafka topic yuqing.raw.
//
// Contract
// - One crawl run walks every source from its seeds: list pages (`follow`) are fetched for links,
//   document pages (`documents`) are extracted into one Document each and produced with key = id.
//   Each canonical URL is fetched at most once per run.
// - The run ends when nothing is left to fetch; it then waits for Kafka to acknowledge every
//   produced document (flush) before reporting success, so "crawl exited 0" means "in Kafka".
// - A page that fails (transport error, HTTP error, too large) is counted by reason and skipped;
//   it never stops the run. Kafka failures do (the run's output would be incomplete).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "crawlers/sources.h"

namespace yuqing::kafka {
class Producer;
}

namespace yuqing::crawlers {

struct CrawlStats {
  uint64_t fetched = 0;     // transfers that returned 2xx
  uint64_t documents = 0;   // documents produced to Kafka
  uint64_t lists = 0;       // list pages read for links
  std::map<std::string, uint64_t> failed;  // by reason ("http 404", "retry later", ...)
};

Status run_crawl(const Config& config, const std::vector<Source>& sources, kafka::Producer& producer, CrawlStats& stats);

}  // namespace yuqing::crawlers
