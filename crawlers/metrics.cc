#include "crawlers/metrics.h"

#include <cstdio>

namespace yuqing::crawlers {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string prometheus_metrics(const CrawlStats& stats) {
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto sample = [&](const char* name, const std::string& labels, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out += std::string(name) + "{" + labels + "} " + buf + "\n";
  };
  struct Counter {
    const char* name;
    const char* help;
    uint64_t SourceHealth::*field;
  };
  static constexpr Counter kCounters[] = {
      {"yuqing_crawl_fetched_total", "Pages answered 2xx.", &SourceHealth::fetched},
      {"yuqing_crawl_not_modified_total", "Pages answered 304 to a conditional GET.", &SourceHealth::not_modified},
      {"yuqing_crawl_documents_total", "Documents (articles and items) produced to Kafka.", &SourceHealth::documents},
      {"yuqing_crawl_documents_dated_total", "Documents with a publish time found.", &SourceHealth::dated},
      {"yuqing_crawl_lists_total", "List, feed and sitemap pages read.", &SourceHealth::lists},
      {"yuqing_crawl_robots_disallowed_total", "URLs not fetched because robots.txt disallows them.",
       &SourceHealth::robots_disallowed},
      {"yuqing_crawl_retries_total", "Transient failures that were retried.", &SourceHealth::retries},
  };
  for (const auto& c : kCounters) {
    family(c.name, "counter", c.help);
    for (const auto& [name, h] : stats.sources) sample(c.name, "source=\"" + escape_label(name) + "\"", double(h.*c.field));
  }
  family("yuqing_crawl_failed_total", "counter", "Fetches that failed, by reason.");
  for (const auto& [name, h] : stats.sources)
    for (const auto& [reason, n] : h.failed)
      sample("yuqing_crawl_failed_total", "source=\"" + escape_label(name) + "\",reason=\"" + escape_label(reason) + "\"",
             double(n));
  family("yuqing_crawl_last_success_timestamp_seconds", "gauge", "Unix time of the last 2xx or 304 answer (0: never).");
  for (const auto& [name, h] : stats.sources)
    sample("yuqing_crawl_last_success_timestamp_seconds", "source=\"" + escape_label(name) + "\"", h.last_success);
  return out;
}

std::string failure_reason(FetchFailure failure, long http_status) {
  switch (failure) {
    case FetchFailure::http_429:
    case FetchFailure::http_4xx:
    case FetchFailure::http_5xx:
      return "http " + std::to_string(http_status);
    case FetchFailure::timeout:
      return "timeout";
    case FetchFailure::too_large:
      return "body too large";
    case FetchFailure::refused_address:
      return "refused address";
    case FetchFailure::too_many_redirects:
      return "too many redirects";
    case FetchFailure::none:
    case FetchFailure::dns:
    case FetchFailure::connect:
    case FetchFailure::tls:
    case FetchFailure::transport:
    case FetchFailure::bad_url:
      break;
  }
  return "transport";
}

}  // namespace yuqing::crawlers
