// Politeness: what the crawler owes each site, decided before a request starts.
//
//  - RobotsCache: one RobotsRules per origin (scheme://host[:port]), fetched by the crawler and
//    mapped from the fetch outcome by robots_from_fetch(), the one place that applies the status
//    table in robots.h (RFC 9309 §2.3.1). Rules are cached for CrawlerOptions::robots_ttl_s
//    (§2.4: at most 24 hours); an unreachable robots.txt (5xx, 429, network error) means
//    "disallow everything" only until the host's back-off ends, then it is fetched again.
//  - HostGate: per origin, at most per_host_connections transfers at once and a token bucket of
//    per_host_burst tokens refilled at per_host_rate per second. A robots Crawl-delay (capped at
//    max_crawl_delay_s) lowers the rate to one request per delay with a bucket of one and a single
//    connection. 429 and 503 close the gate until Retry-After (capped at retry_max_ms), or else
//    for an exponential back-off with jitter; other transient failures back off the same way;
//    a success resets the back-off.
//
// Pure bookkeeping: no I/O; the caller passes the clock (seconds, monotonic or Unix, but one of
// them consistently). Not thread-safe: owned by the crawl loop's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/config.h"
#include "crawlers/fetcher.h"
#include "crawlers/robots.h"

namespace yuqing::crawlers {

// Retry-After: delta-seconds or an HTTP-date, as seconds from `now_unix`; nullopt when absent or
// unreadable. Dates in the past give 0.
std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix);

// Exponential back-off with "equal jitter": d/2 + U[0, d/2) with d = min(max, base * 2^(attempt-1)),
// so retries from many crawlers spread out yet never come back sooner than half the nominal delay.
double backoff_seconds(int attempt, double base_s, double max_s, std::mt19937_64& random);

// The status table of robots.h, applied to a robots.txt fetch that followed up to 5 redirects.
RobotsRules robots_from_fetch(const FetchResult& r);
// Whether that fetch counts as "unreachable" (5xx, 429, transport failure) rather than an answer.
bool robots_unreachable(const FetchResult& r);

class RobotsCache {
 public:
  // Fresh rules for the origin, or nullptr when they must be (re)fetched.
  const RobotsRules* find(const std::string& origin, double now) const;
  bool fetching(const std::string& origin) const { return fetching_.count(origin) > 0; }
  void mark_fetching(const std::string& origin) { fetching_[origin] = true; }
  void store(const std::string& origin, RobotsRules rules, double expires_at);

 private:
  struct Entry {
    RobotsRules rules;
    double expires_at;
  };
  std::map<std::string, Entry> entries_;
  std::map<std::string, bool> fetching_;
};

class HostGate {
 public:
  explicit HostGate(const CrawlerOptions& options, uint64_t seed = std::random_device{}());

  // The earliest time a request to `origin` may start (<= now: it may start now).
  double ready_at(const std::string& origin, double now);
  void started(const std::string& origin, double now);
  // A transfer ended. `transient`: the host answered 429/5xx or did not answer; `retry_after_s`
  // from the response, if any. Returns the back-off the host now waits (0 after a success).
  double finished(const std::string& origin, double now, bool transient, std::optional<double> retry_after_s);
  void set_crawl_delay(const std::string& origin, double seconds);
  int in_flight(const std::string& origin) const;
  std::mt19937_64& random() { return random_; }

 private:
  struct Host {
    double tokens = -1;  // < 0: not initialised (a full bucket)
    double refilled_at = 0;
    double crawl_delay = 0;
    double blocked_until = 0;
    int in_flight = 0;
    int failures = 0;
  };
  Host& host(const std::string& origin, double now);
  double rate(const Host& h) const;
  double capacity(const Host& h) const;

  CrawlerOptions options_;
  std::map<std::string, Host> hosts_;
  std::mt19937_64 random_;
};

}  // namespace yuqing::crawlers
