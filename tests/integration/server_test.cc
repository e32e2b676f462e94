// The dashboard's JSON API against the real ClickHouse: a private database filled by the binary's
// `sandbox --store` (the default scenario), plus one hostile document, one alert and one crawl
// health row inserted here; the server runs in-process on a free port. Every endpoint with good
// and bad parameters, 401 without credentials, path traversal refused, the hostile title returned
// as JSON data only.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "storage/alerts/store.h"
#include "server/api.h"
#include "server/server.h"
#include "storage/clickhouse/client.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

using nlohmann::json;

constexpr const char* kHostileTitle = "<script>alert(1)</script><img src=x onerror=alert(2)>";
constexpr const char* kHostileId = "feedfacefeedfacefeedfacefeedface";
constexpr const char* kToken = "test-token-0123456789abcdef0123456789abcdef";
constexpr const char* kPassword = "correct horse battery staple";
// The scenario's six weeks (China time) and its surge week.
constexpr const char* kWindow = "since=2026-10-05&until=2026-11-17";

alerts::Alert sample_alert() {
  alerts::Alert a;
  a.id = alerts::make_alert_id("volume_spike", "老旧小区与棚户区改造|运河街道", 1792454400);
  a.detector = "volume_spike";
  a.rule = "test";
  a.severity = alerts::Severity::major;
  a.issue = "老旧小区与棚户区改造";
  a.place = "运河街道";
  a.title = "运河街道 老旧小区与棚户区改造 声量异常上升";
  a.summary = "测试预警";
  a.fired_at = 1792454400;  // 2026-10-20 00:00 UTC
  a.window_start = 1792454400 - 7 * 86400;
  a.window_end = 1792454400;
  a.document_ids = {kHostileId};
  return a;
}

class Server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new Config(testing::isolated_config("server_api"));
    const auto file = testing::write_config_file(*config_);
    const std::string cmd = std::string(YUQING_BINARY) + " --config " + file.string() + " --log-level warn sandbox --store";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

    clickhouse::Client client(config_->clickhouse);
    const json hostile = {{"id", kHostileId}, {"kind", "comment"}, {"url", "javascript:alert(3)"}, {"site", "news-portal"},
                          {"title", kHostileTitle}, {"text", kHostileTitle}, {"event_time", "2026-10-21 02:00:00"},
                          {"fetched_at", "2026-10-21 02:00:00"}, {"processed_at", "2026-10-21 02:00:00"},
                          {"issues", {"老旧小区与棚户区改造"}}, {"places", {"运河街道"}}, {"sentiment_label", "negative"},
                          {"intent", "complaint"}, {"category_l1", "城乡建设"}, {"version", 1}};
    ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", hostile.dump() + "\n").status);
    ASSERT_TRUE(client.execute("INSERT INTO crawl_health (time, run_id, source, fetched, documents, failed, last_success) VALUES "
                               "(toDateTime('2026-11-16 10:00:00', 'UTC'), 'r1', 'news-portal', 120, 100, 2, toDateTime('2026-11-16 10:00:00', 'UTC'))")
                    .status);
    bool inserted = false;
    ASSERT_TRUE(alerts::save_new(client, sample_alert(), inserted));

    server::ServerConfig sc;
    sc.home = std::filesystem::temp_directory_path() / (config_->clickhouse.database + "_home");
    sc.web_dir = (std::filesystem::current_path() / "server" / "web").string();
    std::string hash;
    ASSERT_TRUE(server::init_crypto());
    ASSERT_TRUE(server::hash_password(kPassword, hash));
    sc.users.push_back({"analyst", hash});
    sc.demo_user = "";
    server_ = new server::DashboardServer(config_->clickhouse, sc, std::make_unique<server::Auth>(sc, "", kToken));
    ASSERT_TRUE(server_->start("127.0.0.1", 0));
  }
  static void TearDownTestSuite() {
    delete server_;
    if (config_) testing::drop_database(*config_);
    delete config_;
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(60, 0);
    return c;
  }
  static httplib::Headers bearer() { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  struct Reply {
    int status = 0;
    json body;
    std::string raw;
    std::string content_type;
  };
  static Reply get(const std::string& path, const httplib::Headers& headers = bearer()) {
    auto r = client().Get(path.c_str(), headers);
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false), r->body, r->get_header_value("Content-Type")};
  }
  static Reply post(const std::string& path, const std::string& body, const httplib::Headers& headers = bearer()) {
    auto r = client().Post(path.c_str(), headers, body, "application/json");
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false), r->body, r->get_header_value("Content-Type")};
  }
  // A request line sent as written: HTTP clients normalise "..", so traversal needs a raw socket.
  static std::string raw_get(const std::string& target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(server_->port()));
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return {};
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken +
                                "\r\nConnection: close\r\n\r\n";
    (void)::write(fd, request.data(), request.size());
    std::string response;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) response.append(buf, size_t(n));
    ::close(fd);
    return response;
  }

  static Config* config_;
  static server::DashboardServer* server_;
};
Config* Server::config_ = nullptr;
server::DashboardServer* Server::server_ = nullptr;

struct Case {
  std::string path;
  int status;
  std::string mentions;  // the error names this parameter / the body holds this text
};

TEST_F(Server, GoodParametersAnswerRows) {
  const std::string w = kWindow;
  const Case cases[] = {
      {"/api/trend?" + w + "&issue=老旧小区&place=运河街道&by=week", 200, "2026-10-19"},
      {"/api/trend?" + w + "&split=place&by=day", 200, "运河街道"},
      {"/api/trend?" + w + "&split=sentiment&by=month&tz=Asia/Shanghai", 200, "negative"},
      {"/api/trend?" + w + "&issue=老旧小区与棚户区改造&exact=true", 200, "documents"},
      {"/api/top-issues?week=2026-W43&limit=5", 200, "老旧小区与棚户区改造"},
      {"/api/top-issues?week=2026-W43&place=运河街道", 200, "this_week"},
      {"/api/keywords?" + w + "&limit=10", 200, "keyword"},
      {"/api/keywords?until=2026-10-26&emerging=true&recent=7&baseline=14&min-documents=2", 200, "lift"},
      {"/api/stories?" + w + "&order=spread&limit=5", 200, "first_site"},
      {"/api/stories?" + w + "&place=运河街道", 200, "story"},
      {"/api/docs?" + w + "&issue=老旧小区&place=运河街道&sentiment=negative&limit=5", 200, "url"},
      {"/api/docs?" + w + "&kind=message&limit=3&offset=3", 200, "\"offset\":3"},
      {"/api/docs?" + w + "&keyword=施工&limit=3", 200, "snippet"},
      {"/api/summary", 200, "by_site_and_kind"},
      {"/api/crawl-health", 200, "news-portal"},
      {"/api/alerts?status=open&issue=老旧小区与棚户区改造&limit=10&offset=0&since=2026-10-01", 200, "运河街道 老旧小区与棚户区改造 声量异常上升"},
      {"/api/alerts/" + sample_alert().id, 200, "测试预警"},
      {"/api", 200, "/api/alerts/{id}/ack"},
  };
  for (const auto& c : cases) {
    const Reply r = get(c.path);
    EXPECT_EQ(r.status, c.status) << c.path << " -> " << r.raw.substr(0, 400);
    EXPECT_NE(r.raw.find(c.mentions), std::string::npos) << c.path << " -> " << r.raw.substr(0, 400);
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << c.path;
    if (c.path.rfind("/api/trend", 0) == 0 || c.path.rfind("/api/docs", 0) == 0) {
      EXPECT_FALSE(r.body["rows"].empty()) << c.path;
    }
  }
}

TEST_F(Server, TheSurgeWeekIsThePeakOfItsPlace) {
  const Reply r = get(std::string("/api/trend?") + kWindow + "&issue=老旧小区与棚户区改造&place=运河街道&by=week&exact=true");
  ASSERT_EQ(r.status, 200) << r.raw;
  std::string peak;
  int64_t most = -1;
  for (const auto& row : r.body["rows"]) {
    if (row["documents"].get<int64_t>() > most) {
      most = row["documents"].get<int64_t>();
      peak = row["bucket"].get<std::string>();
    }
  }
  EXPECT_EQ(peak, "2026-10-19");  // Monday of 2026-W43
}

TEST_F(Server, DocsArePagedWithoutOverlap) {
  const std::string base = std::string("/api/docs?") + kWindow + "&limit=4";
  const Reply first = get(base), second = get(base + "&offset=4");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(first.body["rows"].size(), 4u);
  EXPECT_EQ(first.body["next_offset"], 4);
  for (const auto& a : first.body["rows"])
    for (const auto& b : second.body["rows"]) EXPECT_NE(a["id"], b["id"]);
  // The documents of one story, from the stories' own ids.
  const Reply stories = get(std::string("/api/stories?") + kWindow + "&limit=1");
  ASSERT_FALSE(stories.body["rows"].empty());
  const Reply story = get(std::string("/api/docs?") + kWindow + "&story=" + stories.body["rows"][0]["story"].get<std::string>() + "&limit=1000");
  EXPECT_EQ(story.body["rows"].size(), stories.body["rows"][0]["documents"].get<size_t>()) << story.raw.substr(0, 300);
}

TEST_F(Server, BadParametersAre400NamingTheParameter) {
  const std::string w = kWindow;
  const Case cases[] = {
      {"/api/trend?by=year", 400, "by"},
      {"/api/trend?split=color", 400, "split"},
      {"/api/trend?since=yesterday", 400, "since"},
      {"/api/trend?until=2026-13-01", 400, "until"},
      {"/api/trend?bogus=1", 400, "bogus"},
      {"/api/trend?by=day&by=week", 400, "by"},
      {"/api/trend?" + w + "&issue=完全不存在的议题", 400, "issue"},
      {"/api/trend?tz=Asia/Shanghai'%3B%20DROP%20TABLE%20documents", 400, "time zone"},
      {"/api/trend?place=%01", 400, "place"},
      {"/api/trend?exact=perhaps", 400, "exact"},
      {"/api/top-issues?week=2026-W60", 400, "week"},
      {"/api/top-issues?week=2026-48", 400, "week"},
      {"/api/top-issues?limit=abc", 400, "limit"},
      {"/api/top-issues?limit=0", 400, "limit"},
      {"/api/keywords?issue=x", 400, "issue"},
      {"/api/keywords?emerging=maybe", 400, "emerging"},
      {"/api/keywords?emerging=true&recent=0", 400, "recent"},
      {"/api/stories?order=size2", 400, "order"},
      {"/api/stories?site=x&exact=true", 400, "site"},
      {"/api/docs?limit=0", 400, "limit"},
      {"/api/docs?limit=100000", 400, "limit"},
      {"/api/docs?offset=-1", 400, "offset"},
      {"/api/docs?kind=tweet", 400, "kind"},
      {"/api/docs?story=x'y", 400, "story"},
      {"/api/docs?keyword=%01", 400, "keyword"},
      {"/api/summary?x=1", 400, "x"},
      {"/api/crawl-health?source=a", 400, "source"},
      {"/api/alerts?status=done", 400, "status"},
      {"/api/alerts?limit=0", 400, "limit"},
      {"/api/alerts?since=soon", 400, "since"},
      {"/api/alerts?color=red", 400, "color"},
      {"/api/alerts/xyz", 400, "id"},
      {"/api/alerts/00000000000000000000000000000000", 404, "id"},
      {"/api/nothing", 404, "path"},
  };
  for (const auto& c : cases) {
    const Reply r = get(c.path);
    EXPECT_EQ(r.status, c.status) << c.path << " -> " << r.raw;
    ASSERT_TRUE(r.body.is_object() && r.body.contains("error")) << c.path << " -> " << r.raw;
    EXPECT_NE(r.body["error"].get<std::string>().find(c.mentions), std::string::npos) << c.path << " -> " << r.raw;
  }
}

// Same text, same verdict: the CLI reads its options with the code the API uses.
TEST_F(Server, CliAndApiRejectAlike) {
  const auto file = testing::write_config_file(*config_);
  const std::string out = ::testing::TempDir() + "/cli_error.txt";
  const std::string cmd = std::string(YUQING_BINARY) + " --config " + file.string() + " query trend --by year 2> " + out;
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 2);
  std::ifstream in(out);
  const std::string cli_error((std::istreambuf_iterator<char>(in)), {});
  const Reply api = get("/api/trend?by=year");
  EXPECT_NE(cli_error.find(api.body["error"].get<std::string>()), std::string::npos) << cli_error << " vs " << api.raw;
}

TEST_F(Server, AlertsAreAcknowledgedThenClosedOnce) {
  const std::string id = sample_alert().id;
  const std::string zero(32, '0');
  struct Step {
    std::string path;
    std::string body;
    int status;
    std::string mentions;
  } steps[] = {
      {"/api/alerts/" + zero + "/ack", "", 404, "id"},
      {"/api/alerts/" + id + "/ack", "{\"reason\": \"x\"}", 400, "reason"},
      {"/api/alerts/" + id + "/ack", "[1]", 400, "body"},
      {"/api/alerts/" + id + "/ack", "", 200, "\"status\":\"acknowledged\""},
      {"/api/alerts/" + id + "/ack", "", 409, "acknowledged already"},
      {"/api/alerts/" + id + "/close", "{\"reason\": 5}", 400, "reason"},
      {"/api/alerts/" + id + "/close", "{\"reason\": \"官方已澄清\"}", 200, "官方已澄清"},
      {"/api/alerts/" + id + "/close", "", 409, "closed already"},
  };
  for (const auto& s : steps) {
    const Reply r = post(s.path, s.body);
    EXPECT_EQ(r.status, s.status) << s.path << " " << s.body << " -> " << r.raw;
    EXPECT_NE(r.raw.find(s.mentions), std::string::npos) << s.path << " -> " << r.raw;
  }
  const Reply shown = get("/api/alerts/" + id);
  EXPECT_EQ(shown.body["status"], "closed");
  EXPECT_EQ(shown.body["acknowledged_by"], "api-token");
  EXPECT_EQ(shown.body["closed_by"], "api-token");
}

TEST_F(Server, EveryEndpointNeedsCredentials) {
  for (const auto& e : server::endpoints()) {
    std::string path = e.path;
    if (const auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, sample_alert().id);
    for (const httplib::Headers& h : {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer wrong"}},
                                      httplib::Headers{{"Cookie", "yuqing_session=0123456789abcdef"}}}) {
      const Reply r = std::string(e.method) == "POST" ? post(path, "", h) : get(path, h);
      EXPECT_EQ(r.status, 401) << e.method << " " << path;
      EXPECT_EQ(r.body.value("error", ""), "login required") << path;
    }
  }
  EXPECT_EQ(get("/api/me", {}).status, 401);
}

TEST_F(Server, LoginSetsAStrictHttpOnlyCookie) {
  auto c = client();
  auto wrong = c.Post("/api/login", json{{"user", "analyst"}, {"password", "wrong"}}.dump(), "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  EXPECT_EQ(c.Post("/api/login", json{{"user", "nobody"}, {"password", kPassword}}.dump(), "application/json")->status, 401);
  EXPECT_EQ(c.Post("/api/login", "not json", "application/json")->status, 400);
  EXPECT_EQ(c.Post("/api/login", std::string(100000, 'a'), "application/json")->status, 413);
  auto ok = c.Post("/api/login", json{{"user", "analyst"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  const std::string cookie = ok->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  const std::string session = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(session.size(), std::string("yuqing_session=").size() + 64) << cookie;
  const Reply me = get("/api/me", {{"Cookie", session}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body["user"], "analyst");
  EXPECT_EQ(get("/api/summary", {{"Cookie", session}}).status, 200);
  EXPECT_EQ(post("/api/logout", "", {{"Cookie", session}}).status, 200);
  EXPECT_EQ(get("/api/summary", {{"Cookie", session}}).status, 401);
}

TEST_F(Server, PathTraversalIsRefused) {
  const char* targets[] = {
      "/../configs/server.yaml",         "/%2e%2e/configs/server.yaml",        "/%2E%2E/%2E%2E/CMakeLists.txt",
      "/vendor/..%2f..%2fapp.js",        "/vendor/%252e%252e/%252e%252e/CMakeLists.txt", "/..%5cCMakeLists.txt",
      "/api/../index.html",              "/.%2e/CMakeLists.txt",
  };
  for (const char* t : targets) {
    const std::string response = raw_get(t);
    ASSERT_FALSE(response.empty()) << t;
    const std::string status_line = response.substr(0, response.find("\r\n"));
    EXPECT_TRUE(status_line.find(" 400 ") != std::string::npos || status_line.find(" 404 ") != std::string::npos)
        << t << " -> " << status_line;
    EXPECT_EQ(response.find("add_subdirectory"), std::string::npos) << t;
    EXPECT_EQ(response.find("demo_password_file"), std::string::npos) << t;
  }
  // The page itself is served, with a policy that forbids inline scripts.
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("舆情监测看板"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(client().Get("/vendor/echarts.min.js")->status, 200) << "run scripts/setup.sh (npm ci in server/web)";
}

TEST_F(Server, HostileTitleIsReturnedAsData) {
  const Reply r = get("/api/docs?since=2026-10-21&until=2026-10-22&site=news-portal&kind=comment&sentiment=negative&limit=1000&exact=true");
  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 300);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  bool found = false;
  for (const auto& row : r.body["rows"])
    if (row["id"] == kHostileId) {
      found = true;
      EXPECT_EQ(row["title"], kHostileTitle);  // exactly as stored: escaping is the page's job (textContent)
    }
  EXPECT_TRUE(found);
  auto raw = client().Get((std::string("/api/docs?") + kWindow + "&limit=1000").c_str(), bearer());
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->get_header_value("X-Content-Type-Options"), "nosniff");
}

}  // namespace
}  // namespace yuqing
