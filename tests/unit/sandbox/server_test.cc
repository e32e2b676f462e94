// The sandbox server over real loopback sockets: conditional GET, the quirks, robots statistics,
// many concurrent connections and the simulated clock.
#include "sandbox/server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>

namespace yuqing::sandbox {
namespace {

class Server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Scenario sc = load_scenario("configs/scenarios/default.yaml");
    sc.slow_ms = 400;  // keeps the test quick; the default scenario's value is documented in docs/SANDBOX.md
    web_ = new SandboxWeb(SandboxWeb::generate(sc, 20221));
  }
  static void TearDownTestSuite() { delete web_; }

  void SetUp() override {
    server_ = std::make_unique<SandboxServer>(*web_);
    ASSERT_TRUE(server_->start("127.0.0.1", 0).is_ok());
  }

  httplib::Client client(int site) const { return httplib::Client(server_->origins()[size_t(site)]); }

  const TruthDoc& with_quirk(const std::string& quirk) const {
    for (const auto& d : web_->documents())
      if (d.quirk == quirk) return d;
    throw std::runtime_error("no document with quirk " + quirk);
  }

  static SandboxWeb* web_;
  std::unique_ptr<SandboxServer> server_;
};

SandboxWeb* Server::web_ = nullptr;

TEST_F(Server, EverySiteListensOnItsOwnPort) {
  ASSERT_EQ(server_->origins().size(), 5u);
  const char* seeds[] = {"/portal/news/index.html", "/news/list.html", "/news/index.html", "/lyb/list_1.html", "/forum.php"};
  for (int k = 0; k < 5; ++k) {
    auto res = client(k).Get(seeds[k]);
    ASSERT_TRUE(res) << k;
    EXPECT_EQ(res->status, 200) << seeds[k];
    auto robots = client(k).Get("/robots.txt");
    ASSERT_TRUE(robots);
    EXPECT_NE(robots->body.find("Crawl-delay: 0.1"), std::string::npos);
  }
}

TEST_F(Server, ConditionalGetAnswers304) {
  const TruthDoc& d = web_->documents()[100];
  ASSERT_TRUE(d.quirk.empty()) << "pick a plain document";
  auto c = client(d.site);
  auto first = c.Get(d.path);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const std::string etag = first->get_header_value("ETag"), modified = first->get_header_value("Last-Modified");
  ASSERT_FALSE(etag.empty());
  ASSERT_FALSE(modified.empty());
  auto by_etag = c.Get(d.path, {{"If-None-Match", etag}});
  ASSERT_TRUE(by_etag);
  EXPECT_EQ(by_etag->status, 304);
  EXPECT_TRUE(by_etag->body.empty());
  auto by_date = c.Get(d.path, {{"If-Modified-Since", modified}});
  ASSERT_TRUE(by_date);
  EXPECT_EQ(by_date->status, 304);
  auto stale = c.Get(d.path, {{"If-None-Match", "\"0000\""}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(server_->stats(d.site).not_modified, 2u);
}

TEST_F(Server, ThrottledAndUnavailableDocumentsRecoverAfterRetryAfter) {
  const TruthDoc& throttled = with_quirk("throttle-429");
  auto c = client(throttled.site);
  auto r1 = c.Get(throttled.path);
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 429);
  EXPECT_EQ(r1->get_header_value("Retry-After"), "1");
  EXPECT_EQ(c.Get(throttled.path)->status, 200);

  const TruthDoc& unavailable = with_quirk("unavailable-503");
  auto u = client(unavailable.site);
  EXPECT_EQ(u.Get(unavailable.path)->status, 503);
  EXPECT_EQ(u.Get(unavailable.path)->status, 503);
  EXPECT_EQ(u.Get(unavailable.path)->status, 200);
  EXPECT_EQ(server_->stats(unavailable.site).quirk_hits["unavailable-503"], 2u);
}

TEST_F(Server, SlowHugeBrokenRedirectLoopAndFiles) {
  const TruthDoc& slow = with_quirk("slow");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client(slow.site).Get(slow.path)->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(400));

  const TruthDoc& huge = with_quirk("huge");
  auto h = client(huge.site).Get(huge.path);
  ASSERT_TRUE(h);
  EXPECT_GE(h->body.size(), size_t(web_->scenario().huge_kb) * 1024);

  const TruthDoc& broken = with_quirk("broken-html");
  auto b = client(broken.site).Get(broken.path);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(b->body.find("</body></html>"), std::string::npos);

  const TruthDoc& moved = with_quirk("redirect");
  auto m = client(moved.site).Get("/go/" + std::to_string(moved.number) + ".html");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 301);
  EXPECT_EQ(m->get_header_value("Location"), server_->origins()[size_t(moved.site)] + moved.path);

  auto c = client(0);
  c.set_follow_location(true);
  auto loop = c.Get("/go/loop-a.html");
  EXPECT_TRUE(!loop || loop->status == 302) << "a redirect loop never ends in a page";
  auto no_follow = client(0).Get("/go/loop-a.html");
  ASSERT_TRUE(no_follow);
  EXPECT_EQ(no_follow->get_header_value("Location"), server_->origins()[0] + "/go/loop-b.html");

  auto pdf = client(3).Get("/files/message-board-guide.pdf");
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
}

TEST_F(Server, DisallowedHitsAreCounted) {
  EXPECT_EQ(client(4).Get("/forum.php")->status, 200);
  EXPECT_EQ(server_->stats(4).disallowed_hits, 0u);
  EXPECT_EQ(client(4).Get("/search.php")->status, 200);
  auto stats = client(4).Get("/_sandbox/stats");
  ASSERT_TRUE(stats);
  const auto j = nlohmann::json::parse(stats->body);
  EXPECT_EQ(j["disallowed_hits"], 1);
  EXPECT_EQ(j["requests"], 3);
}

TEST_F(Server, ServesManyConcurrentConnections) {
  std::vector<std::future<int>> results;
  for (int i = 0; i < 48; ++i) {
    results.push_back(std::async(std::launch::async, [this, i] {
      int ok = 0;
      const TruthDoc& d = web_->documents()[size_t(i * 37) % web_->documents().size()];
      httplib::Client c(server_->origins()[size_t(d.site)]);
      for (int j = 0; j < 5; ++j) {
        auto r = c.Get(d.path);
        ok += r && (r->status == 200 || r->status == 429 || r->status == 503);
      }
      return ok;
    }));
  }
  int ok = 0;
  for (auto& r : results) ok += r.get();
  EXPECT_EQ(ok, 48 * 5);
}

TEST(ServerClock, ReleasesTheTimelineGradually) {
  const Scenario sc = load_scenario("configs/scenarios/default.yaml");
  const SandboxWeb web = SandboxWeb::generate(sc, 20221);
  SandboxServer server(web, {3600});  // one simulated week per hour: the clock barely moves
  ASSERT_TRUE(server.start("127.0.0.1", 0).is_ok());
  EXPECT_LT(server.simulated_now(), sc.start + 3600);
  const TruthDoc* later = nullptr;
  for (const auto& d : web.documents())
    if (d.item_key.empty() && d.published_at > sc.start + 86400) later = &d;
  ASSERT_TRUE(later);
  EXPECT_EQ(httplib::Client(server.origins()[size_t(later->site)]).Get(later->path)->status, 404);

  SandboxServer fast(web, {0.05});  // six weeks in 0.3 s
  ASSERT_TRUE(fast.start("127.0.0.1", 0).is_ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(fast.simulated_now(), sc.end());
  EXPECT_EQ(httplib::Client(fast.origins()[size_t(later->site)]).Get(later->path)->status, 200);
}

}  // namespace
}  // namespace yuqing::sandbox
