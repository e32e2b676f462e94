#include "crawlers/politeness.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace yuqing::crawlers {

std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix) {
  std::string v(value);
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t\r\n") + 1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
    return v.size() > 9 ? 1e9 : double(std::stol(v));
  const time_t at = curl_getdate(v.c_str(), nullptr);
  if (at < 0) return std::nullopt;
  return std::max(0.0, double(at - now_unix));
}

double backoff_seconds(int attempt, double base_s, double max_s, std::mt19937_64& random) {
  const double nominal = std::min(max_s, base_s * std::pow(2.0, std::clamp(attempt, 1, 60) - 1));
  return nominal / 2 + std::uniform_real_distribution<double>(0, nominal / 2)(random);
}

bool robots_unreachable(const FetchResult& r) {
  // Every failure but an answer: too many redirects reads as a 404 (Google's reading of RFC 9309),
  // and a 4xx is the site saying there are no rules.
  return r.failure != FetchFailure::none && r.failure != FetchFailure::too_many_redirects &&
         r.failure != FetchFailure::http_4xx;
}

RobotsRules robots_from_fetch(const FetchResult& r) {
  if (!r.status) {
    // More than 5 redirects: Google reads that as a 404. Every other failure is "unreachable".
    return robots_unreachable(r) ? RobotsRules::disallow_all() : RobotsRules::allow_all();
  }
  if (r.http_status >= 200 && r.http_status < 300) return RobotsRules::parse(r.body);
  if (robots_unreachable(r)) return RobotsRules::disallow_all();
  return RobotsRules::allow_all();  // 4xx other than 429, and 3xx left over (no Location)
}

const RobotsRules* RobotsCache::find(const std::string& origin, double now) const {
  auto it = entries_.find(origin);
  return it != entries_.end() && it->second.expires_at > now ? &it->second.rules : nullptr;
}

void RobotsCache::store(const std::string& origin, RobotsRules rules, double expires_at) {
  fetching_.erase(origin);
  entries_.insert_or_assign(origin, Entry{std::move(rules), expires_at});
}

HostGate::HostGate(const CrawlerOptions& options, uint64_t seed) : options_(options), random_(seed) {}

HostGate::Host& HostGate::host(const std::string& origin, double now) {
  Host& h = hosts_[origin];
  if (h.tokens < 0) {
    h.tokens = capacity(h);
    h.refilled_at = now;
  }
  return h;
}

double HostGate::rate(const Host& h) const {
  return h.crawl_delay > 0 ? std::min(options_.per_host_rate, 1.0 / h.crawl_delay) : options_.per_host_rate;
}

double HostGate::capacity(const Host& h) const { return h.crawl_delay > 0 ? 1.0 : double(options_.per_host_burst); }

double HostGate::ready_at(const std::string& origin, double now) {
  Host& h = host(origin, now);
  h.tokens = std::min(capacity(h), h.tokens + (now - h.refilled_at) * rate(h));
  h.refilled_at = now;
  const int connections = h.crawl_delay > 0 ? 1 : options_.per_host_connections;
  if (h.in_flight >= connections) return now + 3600;  // a finishing transfer re-opens the gate
  const double token_at = h.tokens >= 1 ? now : now + (1 - h.tokens) / rate(h);
  return std::max(token_at, h.blocked_until);
}

void HostGate::started(const std::string& origin, double now) {
  Host& h = host(origin, now);
  h.tokens -= 1;
  ++h.in_flight;
}

double HostGate::finished(const std::string& origin, double now, bool transient, std::optional<double> retry_after_s) {
  Host& h = host(origin, now);
  h.in_flight = std::max(0, h.in_flight - 1);
  if (!transient) {
    h.failures = 0;
    return 0;
  }
  ++h.failures;
  const double ceiling = options_.retry_max_ms / 1000.0;
  const double wait = retry_after_s ? std::min(*retry_after_s, ceiling)
                                    : backoff_seconds(h.failures, options_.retry_base_ms / 1000.0, ceiling, random_);
  h.blocked_until = std::max(h.blocked_until, now + wait);
  return wait;
}

void HostGate::set_crawl_delay(const std::string& origin, double seconds) {
  Host& h = hosts_[origin];
  h.crawl_delay = std::clamp(seconds, 0.0, double(options_.max_crawl_delay_s));
  if (h.tokens > capacity(h)) h.tokens = capacity(h);
}

int HostGate::in_flight(const std::string& origin) const {
  auto it = hosts_.find(origin);
  return it == hosts_.end() ? 0 : it->second.in_flight;
}

}  // namespace yuqing::crawlers
