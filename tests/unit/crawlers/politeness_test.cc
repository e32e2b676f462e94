#include "crawlers/politeness.h"

#include <gtest/gtest.h>

namespace yuqing::crawlers {

TEST(Politeness, RetryAfterReadsSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("120", 0), 120.0);
  EXPECT_EQ(parse_retry_after(" 7 ", 0), 7.0);
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30.0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), 0.0) << "past dates mean now";
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
}

TEST(Politeness, BackoffDoublesWithJitterWithinHalfAndFullDelay) {
  std::mt19937_64 random(1);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    const double nominal = std::min(60.0, 1.0 * (1 << (attempt - 1)));
    for (int i = 0; i < 50; ++i) {
      const double d = backoff_seconds(attempt, 1.0, 60.0, random);
      EXPECT_GE(d, nominal / 2);
      EXPECT_LT(d, nominal);
    }
  }
  std::set<double> distinct;
  for (int i = 0; i < 20; ++i) distinct.insert(backoff_seconds(3, 1.0, 60.0, random));
  EXPECT_GT(distinct.size(), 10u) << "jitter spreads retries";
}

TEST(Politeness, RobotsStatusTableOfRfc9309) {
  // An answer as the fetcher reports it: status ok, the reason from the one translation.
  auto answer = [](long code) {
    FetchResult r;
    r.http_status = code;
    r.failure = classify_transfer(0 /* CURLE_OK */, code, false, false);
    return r;
  };
  FetchResult ok = answer(200);
  ok.body = "User-agent: *\nDisallow: /private/\n";
  EXPECT_FALSE(robots_from_fetch(ok).allowed("yuqing/0.1", "/private/x"));
  EXPECT_TRUE(robots_from_fetch(ok).allowed("yuqing/0.1", "/public"));
  const FetchResult missing = answer(404);
  EXPECT_TRUE(robots_from_fetch(missing).allowed("yuqing", "/anything"));
  EXPECT_FALSE(robots_unreachable(missing));
  for (long code : {429L, 500L, 503L}) {
    const FetchResult r = answer(code);
    EXPECT_FALSE(robots_from_fetch(r).allowed("yuqing", "/anything")) << code;
    EXPECT_TRUE(robots_unreachable(r)) << code;
  }
  FetchResult network;
  network.status = Status::retry_later("http://a/robots.txt: Couldn't connect to server");
  network.failure = FetchFailure::connect;
  EXPECT_FALSE(robots_from_fetch(network).allowed("yuqing", "/x"));
  FetchResult loop;
  loop.status = Status::reject("http://a/robots.txt: Number of redirects hit maximum amount");
  loop.failure = FetchFailure::too_many_redirects;
  EXPECT_TRUE(robots_from_fetch(loop).allowed("yuqing", "/x")) << "too many redirects reads as 404";
  // The reason decides, not the words: a timeout at a host whose name says "redirect" is a timeout.
  FetchResult slow;
  slow.status = Status::retry_later("http://redirect.example.cn/robots.txt: Timeout was reached");
  slow.failure = FetchFailure::timeout;
  EXPECT_TRUE(robots_unreachable(slow));
  EXPECT_FALSE(robots_from_fetch(slow).allowed("yuqing", "/x"));
}

TEST(Politeness, RobotsCacheExpires) {
  RobotsCache cache;
  EXPECT_EQ(cache.find("http://a", 0), nullptr);
  cache.mark_fetching("http://a");
  EXPECT_TRUE(cache.fetching("http://a"));
  cache.store("http://a", RobotsRules::allow_all(), 100);
  EXPECT_FALSE(cache.fetching("http://a"));
  EXPECT_NE(cache.find("http://a", 99.9), nullptr);
  EXPECT_EQ(cache.find("http://a", 100), nullptr);
}

CrawlerOptions gate_options() {
  CrawlerOptions o;
  o.per_host_connections = 2;
  o.per_host_rate = 2;  // 2 per second
  o.per_host_burst = 3;
  o.retry_base_ms = 1000;
  o.retry_max_ms = 10000;
  o.max_crawl_delay_s = 30;
  return o;
}

TEST(Politeness, TokenBucketAllowsABurstThenTheRate) {
  HostGate gate(gate_options(), 7);
  const std::string h = "http://a";
  double now = 1000;
  int started = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_LE(gate.ready_at(h, now), now);
    gate.started(h, now);
    gate.finished(h, now, false, std::nullopt);
    ++started;
  }
  EXPECT_DOUBLE_EQ(gate.ready_at(h, now), now + 0.5) << "bucket empty: next token after 1/rate";
  now += 0.5;
  EXPECT_LE(gate.ready_at(h, now), now);
}

TEST(Politeness, ConnectionsPerHostAreLimited) {
  HostGate gate(gate_options(), 7);
  const std::string h = "http://a";
  gate.started(h, 0);
  gate.started(h, 0);
  EXPECT_GT(gate.ready_at(h, 0), 0) << "two in flight";
  EXPECT_LE(gate.ready_at("http://b", 0), 0) << "other hosts are independent";
  gate.finished(h, 0, false, std::nullopt);
  EXPECT_LE(gate.ready_at(h, 0), 0);
}

TEST(Politeness, CrawlDelaySpacesRequestsAndIsCapped) {
  HostGate gate(gate_options(), 7);
  const std::string h = "http://a";
  gate.set_crawl_delay(h, 4);
  gate.started(h, 0);
  gate.finished(h, 0, false, std::nullopt);
  EXPECT_DOUBLE_EQ(gate.ready_at(h, 0), 4);
  EXPECT_DOUBLE_EQ(gate.ready_at(h, 4), 4);
  HostGate capped(gate_options(), 7);
  capped.set_crawl_delay(h, 1e6);
  capped.started(h, 0);
  capped.finished(h, 0, false, std::nullopt);
  EXPECT_DOUBLE_EQ(capped.ready_at(h, 0), 30) << "max_crawl_delay_s caps a hostile Crawl-delay";
}

TEST(Politeness, RetryAfterAndBackoffCloseTheGate) {
  HostGate gate(gate_options(), 7);
  const std::string h = "http://a";
  gate.started(h, 0);
  EXPECT_DOUBLE_EQ(gate.finished(h, 0, true, 5.0), 5.0);
  EXPECT_DOUBLE_EQ(gate.ready_at(h, 0), 5.0);
  gate.started(h, 5);
  EXPECT_DOUBLE_EQ(gate.finished(h, 5, true, 1e9), 10.0) << "Retry-After is capped by retry_max_ms";
  gate.started(h, 15);
  const double wait = gate.finished(h, 15, true, std::nullopt);  // third failure: nominal 4 s
  EXPECT_GE(wait, 2.0);
  EXPECT_LT(wait, 4.0);
  gate.started(h, 20);
  EXPECT_EQ(gate.finished(h, 20, false, std::nullopt), 0.0);
  gate.started(h, 21);
  const double after_success = gate.finished(h, 21, true, std::nullopt);
  EXPECT_LT(after_success, 1.0) << "a success resets the back-off";
}

}  // namespace yuqing::crawlers
