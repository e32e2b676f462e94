// Ingest end to end through the real binary and services: a CSV and a JSON-lines file with bad rows
// among good ones go through `yuqing ingest` → Kafka → `process` → `sink` → ClickHouse; exactly the
// good rows are stored, tagged, under the source's name; a second import stores nothing new; the
// source has a crawl_health row. Then `yuqing serve`'s POST /api/ingest: no or wrong credentials are
// 401, an oversized body 413, a good push answers per line.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "storage/clickhouse/client.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "ingest-test-token-0123456789abcdef0123456789";

using Outcome = testing::CliOutcome;
Outcome run(const std::string& args) { return testing::run_cli(YUQING_BINARY, args); }

// Three good rows of each kind a message board export holds, two bad ones, one repeated.
constexpr const char* kCsv =
    "kind,url,external_id,parent,title,text,author,published_at\n"
    "article,https://partner.example.cn/news/1.html,,,运河街道老旧小区改造启动,\"运河街道老旧小区改造工程今天启动，涉及12个小区。\",记者,2026-10-05T09:30:00+08:00\n"
    "comment,https://partner.example.cn/news/1.html,c-1,https://partner.example.cn/news/1.html,,改造期间停水太频繁了，希望提前通知,网友甲,2026-10-05T10:00:00+08:00\n"
    "message,,M-100,,泥沟镇自来水发黄,泥沟镇自来水发黄三天了，向有关部门反映无人处理,居民,2026-10-06T08:00:00+08:00\n"
    "tweet,,M-101,,,种类不对,居民,2026-10-06T08:00:00+08:00\n"
    "message,,M-102,,,没有时区,居民,2026-10-06 08:00:00\n"
    "message,,M-100,,泥沟镇自来水发黄,泥沟镇自来水发黄三天了，向有关部门反映无人处理,居民,2026-10-06T08:00:00+08:00\n";
constexpr size_t kCsvGood = 3;

constexpr const char* kJsonl =
    R"({"kind":"post","external_id":"T-1","title":"马兰屯镇涉农补贴什么时候发","text":"马兰屯镇今年的涉农补贴什么时候发放？","published_at":"2026-10-08T21:15:00+08:00"})" "\n"
    "{not json\n"
    R"({"kind":"post","external_id":"T-2","text":"","published_at":"2026-10-08T21:15:00+08:00"})" "\n";
constexpr size_t kJsonlGood = 1;

// The partner's replies, delivered later as a file of their own: they find the messages of the
// first import because a parent's external id is resolved within the same source.
constexpr const char* kReplies =
    R"({"kind":"reply","external_id":"R-100","parent":"M-100","text":"泥沟镇人民政府答复：已安排水务公司检修，今日恢复正常供水。","author":"泥沟镇人民政府","published_at":"2026-10-07T09:00:00+08:00"})" "\n";
constexpr size_t kRepliesGood = 1;
constexpr size_t kGood = kCsvGood + kJsonlGood + kRepliesGood;

class Ingest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::isolated_config("ingest");
    config_file_ = testing::write_config_file(config_).string();
    dir_ = std::filesystem::path(config_file_).parent_path();
    std::ofstream(dir_ / "partner.csv") << kCsv;
    std::ofstream(dir_ / "monitor.jsonl") << kJsonl;
    std::ofstream(dir_ / "replies.jsonl") << kReplies;
    const Outcome m = run("--config " + config_file_ + " migrate");
    ASSERT_EQ(m.exit_code, 0) << m.output;
  }
  void TearDown() override { testing::drop_database(config_); }

  // process and sink until both topics are drained.
  void drain() {
    const Outcome p = run("--config " + config_file_ + " process --drain --idle-exit-ms 5000");
    ASSERT_EQ(p.exit_code, 0) << p.output;
    const Outcome s = run("--config " + config_file_ + " sink --drain --idle-exit-ms 5000");
    ASSERT_EQ(s.exit_code, 0) << s.output;
  }

  std::string sql(const std::string& q) {
    clickhouse::Client client(config_.clickhouse);
    auto r = client.execute(q);
    EXPECT_TRUE(r.status) << q << ": " << r.status.to_string();
    return r.body;
  }

  Config config_;
  std::string config_file_;
  std::filesystem::path dir_;
};

TEST_F(Ingest, GoodRowsAreStoredAndTaggedOnceBadRowsAreListed) {
  const Outcome csv = run("--config " + config_file_ + " ingest --source partner " + (dir_ / "partner.csv").string());
  EXPECT_EQ(csv.exit_code, 1) << "rejected rows make the exit code 1\n" << csv.output;
  EXPECT_NE(csv.output.find("3 accepted"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("2 rejected, 1 duplicate"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("line 5: kind:"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("line 6: published_at:"), std::string::npos) << csv.output;
  const Outcome jl = run("--config " + config_file_ + " ingest --source monitor " + (dir_ / "monitor.jsonl").string());
  EXPECT_EQ(jl.exit_code, 1) << jl.output;
  EXPECT_NE(jl.output.find("1 accepted"), std::string::npos) << jl.output;
  EXPECT_NE(jl.output.find("line 2: record: not valid JSON"), std::string::npos) << jl.output;
  EXPECT_NE(jl.output.find("line 3: text: empty"), std::string::npos) << jl.output;
  const Outcome replies = run("--config " + config_file_ + " ingest --source partner " + (dir_ / "replies.jsonl").string());
  EXPECT_EQ(replies.exit_code, 0) << "nothing rejected, exit code 0\n" << replies.output;
  drain();

  const std::string count = "SELECT uniqExact(id), count() FROM documents FINAL FORMAT TSV";
  EXPECT_EQ(sql(count), std::to_string(kGood) + "\t" + std::to_string(kGood) + "\n");
  // Each stored under its source and tagged by the processors: the old-housing article in 运河街道,
  // the message about 泥沟镇's water and the reply to it.
  EXPECT_EQ(sql("SELECT site, kind, parent_id != '', tags_json != '' FROM documents FINAL ORDER BY site, kind FORMAT TSV"),
            "monitor\tpost\t0\t1\n"
            "partner\tarticle\t0\t1\n"
            "partner\tcomment\t1\t1\n"
            "partner\tmessage\t0\t1\n"
            "partner\treply\t1\t1\n");
  EXPECT_EQ(sql("SELECT kind FROM documents FINAL WHERE has(issues, '老旧小区与棚户区改造') AND has(places, '运河街道') "
                "AND kind = 'article' FORMAT TSV"),
            "article\n");
  EXPECT_EQ(sql("SELECT kind FROM documents FINAL WHERE has(places, '泥沟镇') ORDER BY kind FORMAT TSV"), "message\nreply\n");
  // The reply found its message across the two imports of the partner: the same id rule on both sides.
  EXPECT_EQ(sql("SELECT count() FROM documents FINAL WHERE kind = 'reply' AND parent_id IN "
                "(SELECT id FROM documents FINAL WHERE kind = 'message') FORMAT TSV"),
            "1\n");

  // Importing every file again stores nothing new.
  EXPECT_EQ(run("--config " + config_file_ + " ingest --source partner " + (dir_ / "partner.csv").string()).exit_code, 1);
  EXPECT_EQ(run("--config " + config_file_ + " ingest --source monitor " + (dir_ / "monitor.jsonl").string()).exit_code, 1);
  EXPECT_EQ(run("--config " + config_file_ + " ingest --source partner " + (dir_ / "replies.jsonl").string()).exit_code, 0);
  drain();
  EXPECT_EQ(sql("SELECT uniqExact(id) FROM documents FORMAT TSV"), std::to_string(kGood) + "\n");

  // The sources show in crawl health like crawled sites.
  EXPECT_EQ(sql("SELECT source, max(documents), max(failed), count() FROM crawl_health GROUP BY source ORDER BY source FORMAT TSV"),
            "monitor\t1\t2\t2\npartner\t3\t2\t4\n");
}

TEST_F(Ingest, PushEndpointNeedsCredentialsAndBoundsTheBody) {
  const int port = testing::free_port_block(1);
  ASSERT_GT(port, 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("YUQING_API_TOKEN", kToken, 1);
    const std::string server_config = (std::filesystem::current_path() / "configs" / "server.yaml").string();
    ::execl(YUQING_BINARY, YUQING_BINARY, "--config", config_file_.c_str(), "--log-level", "warn", "serve", "--port",
            std::to_string(port).c_str(), "--server-config", server_config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(60, 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    up = bool(http.Get("/api"));
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << "yuqing serve did not start";

  const std::string line =
      R"({"kind":"post","external_id":"P-1","text":"涧头集镇道路积水严重","published_at":"2026-10-09T08:00:00+08:00"})";
  const httplib::Headers good = {{"Authorization", std::string("Bearer ") + kToken}};
  const httplib::Headers wrong = {{"Authorization", "Bearer not-the-token-0123456789abcdef0123456789"}};
  struct Case {
    const char* name;
    httplib::Headers headers;
    std::string body;
    int status;
  } cases[] = {
      {"no credentials", {}, line, 401},
      {"wrong token", wrong, line, 401},
      {"body over 8 MiB", good, std::string(8 * 1024 * 1024 + 1, 'x'), 413},
  };
  for (const auto& c : cases) {
    auto r = http.Post("/api/ingest?source=push-test", c.headers, c.body, "application/x-ndjson");
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name << ": " << r->body;
  }

  auto r = http.Post("/api/ingest?source=push-test", good, line + "\n{\"kind\":\"post\"}\n", "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const json answer = json::parse(r->body, nullptr, false);
  EXPECT_EQ(answer["accepted"], 1) << r->body;
  EXPECT_EQ(answer["rejected"], 1) << r->body;
  EXPECT_EQ(answer["lines"][0]["status"], "accepted") << r->body;
  EXPECT_EQ(answer["lines"][1]["status"], "rejected") << r->body;
  EXPECT_EQ(answer["lines"][1]["error"], "url: a record needs a url or an external_id") << r->body;

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);

  // Nothing of the refused requests reached Kafka: only the one good pushed line is stored.
  drain();
  EXPECT_EQ(sql("SELECT site, count() FROM documents FINAL GROUP BY site FORMAT TSV"), "push-test\t1\n");
}

}  // namespace
}  // namespace yuqing
