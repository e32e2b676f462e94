// The fetcher against a local cpp-httplib server on loopback: decompression and the size limit
// after it, refusal of non-public addresses, redirects returned rather than followed, and
// conditional GET; and the metrics server the crawl command serves /metrics with.
#include "crawlers/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "core/gzip.h"
#include "crawlers/crawler.h"
#include "crawlers/metrics_server.h"

namespace yuqing::crawlers {
namespace {

class LocalServer {
 public:
  LocalServer() {
    server_.Get("/page", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("If-None-Match") == "\"v1\"") {
        res.status = 304;
        return;
      }
      res.set_header("ETag", "\"v1\"");
      res.set_content("<html>你好</html>", "text/html; charset=utf-8");
    });
    server_.Get("/gzip", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(gzip(std::string(4000, 'a')), "text/html");
    });
    server_.Get("/bomb", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(gzip(std::string(1 << 20, 'a')), "text/html");  // ~1 KB on the wire, 1 MiB inflated
    });
    server_.Get("/huge", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100 * 1024, 'a'), "text/html");  // plain, over a 64 KiB limit
    });
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/page", 301); });
    server_.Get("/to-file", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("file:///etc/passwd", 302); });
    server_.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "3");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // A stop() that comes before the thread is listening is lost and join() waits forever: a test
    // that never connects (a refused address) finishes that fast.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

FetchResult fetch(FetchRequest req, long max_body = 64 * 1024) {
  CrawlerOptions o;
  o.max_body_bytes = max_body;
  Fetcher f(o);
  FetchResult out;
  f.add(std::move(req), [&](FetchResult&& r) { out = std::move(r); });
  f.run();
  return out;
}

}  // namespace

TEST(Fetcher, RefusesLoopbackUnlessTheSourceAllowsIt) {
  LocalServer server;
  const FetchResult refused = fetch({server.url("/page"), {}, {}, 0, false});
  EXPECT_EQ(refused.status.kind(), Status::Kind::reject);
  EXPECT_EQ(refused.status.message().rfind("refused non-public address 127.0.0.1", 0), 0u) << refused.status.to_string();
  EXPECT_EQ(refused.failure, FetchFailure::refused_address);
  const FetchResult allowed = fetch({server.url("/page"), {}, {}, 0, true});
  ASSERT_TRUE(allowed.status) << allowed.status.to_string();
  EXPECT_EQ(allowed.http_status, 200);
  EXPECT_EQ(allowed.failure, FetchFailure::none);
  EXPECT_EQ(allowed.body, "<html>你好</html>");
  EXPECT_EQ(allowed.etag, "\"v1\"");
}

// The guard sits where libcurl opens each connection (CURLOPT_OPENSOCKETFUNCTION), on the address a
// name resolved to, so a name that resolves to a private address, and every redirect hop, is checked
// like the first URL; an IPv4-mapped IPv6 literal is judged by its IPv4 address.
TEST(Fetcher, RefusesNamesAndMappedAddressesThatLeadToLoopback) {
  LocalServer server;
  const std::string port = std::to_string(server.port());
  for (const std::string& url : {"http://localhost:" + port + "/page", "http://[::ffff:127.0.0.1]:" + port + "/page"}) {
    const FetchResult r = fetch({url, {}, {}, 5, false});
    EXPECT_EQ(r.failure, FetchFailure::refused_address) << url << ": " << r.status.to_string();
    EXPECT_EQ(r.status.message().rfind("refused non-public address ", 0), 0u) << r.status.to_string();
    EXPECT_TRUE(r.body.empty()) << url;
  }
}

// A redirect may only lead to http or https: a page that redirects to file:// (or gopher://, dict://)
// must not make the crawler read local files, even from a source allowed to reach loopback.
TEST(Fetcher, RedirectsToOtherSchemesAreNotFollowed) {
  LocalServer server;
  const FetchResult r = fetch({server.url("/to-file"), {}, {}, 5, true});
  EXPECT_FALSE(r.status) << "followed to " << r.final_url;
  EXPECT_EQ(r.body.find("root:"), std::string::npos) << "read /etc/passwd";
}

TEST(Fetcher, ConditionalGetGets304) {
  LocalServer server;
  const FetchResult r = fetch({server.url("/page"), "\"v1\"", {}, 0, true});
  ASSERT_TRUE(r.status);
  EXPECT_EQ(r.http_status, 304);
  EXPECT_EQ(r.failure, FetchFailure::none);
  EXPECT_TRUE(r.body.empty());
}

TEST(Fetcher, DecompressesAndLimitsTheSizeAfterDecompression) {
  LocalServer server;
  const FetchResult small = fetch({server.url("/gzip"), {}, {}, 0, true});
  ASSERT_TRUE(small.status) << small.status.to_string();
  EXPECT_EQ(small.body, std::string(4000, 'a'));
  const FetchResult bomb = fetch({server.url("/bomb"), {}, {}, 0, true}, 64 * 1024);
  EXPECT_EQ(bomb.status.kind(), Status::Kind::reject);
  EXPECT_NE(bomb.status.message().find("larger than 65536"), std::string::npos) << bomb.status.to_string();
  EXPECT_TRUE(bomb.body.empty());
  EXPECT_EQ(bomb.failure, FetchFailure::too_large);
  const FetchResult huge = fetch({server.url("/huge"), {}, {}, 0, true}, 64 * 1024);  // no compression at all
  EXPECT_EQ(huge.status.kind(), Status::Kind::reject) << huge.status.to_string();
  EXPECT_EQ(huge.failure, FetchFailure::too_large);
  EXPECT_TRUE(huge.body.empty());
}

TEST(Fetcher, RedirectsAreReturnedOrFollowedAsAsked) {
  LocalServer server;
  const FetchResult hop = fetch({server.url("/moved"), {}, {}, 0, true});
  ASSERT_TRUE(hop.status);
  EXPECT_EQ(hop.http_status, 301);
  EXPECT_EQ(hop.redirect_url, server.url("/page"));
  EXPECT_EQ(hop.failure, FetchFailure::none);
  const FetchResult followed = fetch({server.url("/moved"), {}, {}, 5, true});
  EXPECT_EQ(followed.http_status, 200);
  EXPECT_EQ(followed.final_url, server.url("/page"));
}

TEST(Fetcher, ReportsRetryAfterAndTranslatesTransportErrors) {
  LocalServer server;
  const FetchResult busy = fetch({server.url("/busy"), {}, {}, 0, true});
  EXPECT_EQ(busy.http_status, 429);
  EXPECT_EQ(busy.retry_after, "3");
  EXPECT_TRUE(busy.status);
  EXPECT_EQ(busy.failure, FetchFailure::http_429);
  const FetchResult refused = fetch({"http://127.0.0.1:1/", {}, {}, 0, true});
  EXPECT_EQ(refused.status.kind(), Status::Kind::retry_later);
  EXPECT_EQ(refused.failure, FetchFailure::connect);
  const FetchResult bad = fetch({"gopher://127.0.0.1/", {}, {}, 0, true});
  EXPECT_EQ(bad.status.kind(), Status::Kind::invalid);
  EXPECT_EQ(bad.failure, FetchFailure::bad_url);
}

// The one translation of a finished transfer, as a table: curl's code, the HTTP status and the
// fetcher's own aborts -> the reason, whether it is retried, and the crawl's failure label.
TEST(FetchFailure, OneTranslationFromCurlCodesAndHttpStatuses) {
  struct Row {
    CURLcode code;
    long http_status;
    bool too_large, refused;
    FetchFailure want;
    bool transient;
    const char* reason;  // failure_reason(): the label yuqing_crawl_failed_total counts
  };
  using F = FetchFailure;
  const Row rows[] = {
      {CURLE_OK, 200, false, false, F::none, false, nullptr},
      {CURLE_OK, 204, false, false, F::none, false, nullptr},
      {CURLE_OK, 301, false, false, F::none, false, nullptr},  // a redirect to follow, not a failure
      {CURLE_OK, 304, false, false, F::none, false, nullptr},
      {CURLE_OK, 404, false, false, F::http_4xx, false, "http 404"},
      {CURLE_OK, 403, false, false, F::http_4xx, false, "http 403"},
      {CURLE_OK, 429, false, false, F::http_429, true, "http 429"},
      {CURLE_OK, 500, false, false, F::http_5xx, true, "http 500"},
      {CURLE_OK, 503, false, false, F::http_5xx, true, "http 503"},
      {CURLE_OK, 0, false, false, F::http_4xx, false, "http 0"},  // no status at all: not an answer to use
      {CURLE_OPERATION_TIMEDOUT, 0, false, false, F::timeout, true, "timeout"},
      {CURLE_OPERATION_TIMEDOUT, 200, false, false, F::timeout, true, "timeout"},  // headers came, the body did not
      {CURLE_COULDNT_RESOLVE_HOST, 0, false, false, F::dns, true, "transport"},
      {CURLE_COULDNT_RESOLVE_PROXY, 0, false, false, F::dns, true, "transport"},
      {CURLE_COULDNT_CONNECT, 0, false, false, F::connect, true, "transport"},
      {CURLE_SSL_CONNECT_ERROR, 0, false, false, F::tls, true, "transport"},
      {CURLE_PEER_FAILED_VERIFICATION, 0, false, false, F::tls, true, "transport"},
      {CURLE_RECV_ERROR, 0, false, false, F::transport, true, "transport"},
      {CURLE_GOT_NOTHING, 0, false, false, F::transport, true, "transport"},
      {CURLE_PARTIAL_FILE, 200, false, false, F::transport, true, "transport"},
      {CURLE_HTTP2_STREAM, 0, false, false, F::transport, true, "transport"},
      {CURLE_URL_MALFORMAT, 0, false, false, F::bad_url, false, "transport"},
      {CURLE_UNSUPPORTED_PROTOCOL, 0, false, false, F::bad_url, false, "transport"},
      {CURLE_TOO_MANY_REDIRECTS, 302, false, false, F::too_many_redirects, false, "too many redirects"},
      {CURLE_FILESIZE_EXCEEDED, 200, false, false, F::too_large, false, "body too large"},
      // The fetcher's own aborts win over the code they cause.
      {CURLE_WRITE_ERROR, 200, true, false, F::too_large, false, "body too large"},
      {CURLE_COULDNT_CONNECT, 0, false, true, F::refused_address, false, "refused address"},
      {CURLE_OK, 0, false, true, F::refused_address, false, "refused address"},  // IP literal behind a proxy
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(curl_easy_strerror(row.code)) + ", HTTP " + std::to_string(row.http_status));
    const FetchFailure got = classify_transfer(row.code, row.http_status, row.too_large, row.refused);
    EXPECT_EQ(to_string(got), to_string(row.want));
    EXPECT_EQ(is_transient(got), row.transient);
    if (row.reason) {
      EXPECT_EQ(failure_reason(got, row.http_status), row.reason);
    }
  }
}

TEST(Fetcher, NonPublicAddressRanges) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                         "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1",
                         "::ffff:127.0.0.1", "[::1]"})
    EXPECT_TRUE(is_non_public_ip_literal(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:4860:4860::8888", "example.cn"})
    EXPECT_FALSE(is_non_public_ip_literal(ip)) << ip;
}

// The metrics server (`yuqing crawl --metrics-port`) over a real loopback socket: GET /metrics
// answers the latest text in the Prometheus exposition format, anything else 404.
TEST(MetricsServer, ServesTheLatestTextAtMetrics) {
  MetricsServer server;
  ASSERT_TRUE(server.start("127.0.0.1", 0));
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  auto empty = client.Get("/metrics");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->body, "");

  CrawlStats stats;
  stats.sources["local-news"].fetched = 12;
  stats.sources["local-news"].failed["timeout"] = 1;
  server.set(prometheus_metrics(stats));
  auto r = client.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->body, prometheus_metrics(stats));
  EXPECT_NE(r->body.find("yuqing_crawl_fetched_total{source=\"local-news\"} 12\n"), std::string::npos);
  EXPECT_NE(r->body.find("yuqing_crawl_failed_total{source=\"local-news\",reason=\"timeout\"} 1\n"), std::string::npos);

  auto other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  server.stop();
  EXPECT_FALSE(client.Get("/metrics")) << "stopped";
}

}  // namespace yuqing::crawlers
