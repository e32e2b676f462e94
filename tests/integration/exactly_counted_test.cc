// Acceptance test of the storage stage: N = 100,000 enriched documents (10% of them sent twice, 100
// malformed) stream through Kafka into ClickHouse while the real `yuqing sink` process is SIGKILLed
// and restarted twice and ClickHouse is stopped for 20 s. Afterwards the distinct stored count is
// exactly N - 100, the rollups count the same, and the dead-letter topic holds exactly the 100
// malformed messages.
//
// ClickHouse here is a private server (scripts/services.sh with its own YUQING_VAR and ports) so
// stopping it never disturbs the shared one; Kafka is the shared broker with topics
// and groups unique to this run.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/document.h"
#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "stream/kafka.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kDocuments = 100000;
constexpr int kMalformedEvery = 1000;  // every 1000th document is malformed: 100 of them
constexpr int kDuplicateEvery = 10;    // every 10th message is sent again later: 10%

int shell(const std::string& command) { return std::system(command.c_str()); }

std::string message(int i) {
  if (i % kMalformedEvery == kMalformedEvery - 1) {
    // Alternate the two kinds of poison: unparseable JSON and a schema violation.
    return (i / kMalformedEvery) % 2 ? "{\"schema\": \"yuqing.enriched/1\", \"id\": \"broken" + std::to_string(i)
                                     : R"({"schema":"yuqing.enriched/1","id":"x)" + std::to_string(i) + R"("})";
  }
  EnrichedDocument e;
  e.doc.url = "http://exact/" + std::to_string(i);
  e.doc.id = make_document_id(e.doc.url);
  e.doc.site = "site" + std::to_string(i % 7);
  e.doc.title = "标题 " + std::to_string(i);
  e.doc.text = "老旧小区改造 加装电梯 第" + std::to_string(i) + "号 " + std::string(200, 'x');
  e.doc.fetched_at = 1794758400 + i;
  e.processed_at = 1794758400 + kDocuments;
  e.tags.issues.push_back({i % 2 ? "老旧小区与棚户区改造" : "教育", {"区住房城乡建设局"}, 1, {}});
  e.tags.places = {i % 3 ? "运河街道" : "邳庄镇"};
  e.tags.sentiment_label = i % 4 ? "neutral" : "negative";
  e.tags.keywords = {"加装电梯"};
  return to_json(e);
}

std::string key(int i) { return "k" + std::to_string(i); }

// A `yuqing sink` child process with its log in `log`.
class SinkProcess {
 public:
  SinkProcess(const fs::path& config, const fs::path& log, std::vector<std::string> extra = {}) {
    pid_ = ::fork();
    if (pid_ == 0) {
      // The config file names the private ClickHouse; an address in the environment (how a CI
      // check runs beside other services) would override it and send the sink elsewhere.
      ::unsetenv("YUQING_CLICKHOUSE_URL");
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<std::string> args = {YUQING_BINARY, "--config", config.string(), "sink"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  // Sends `signal` and returns how the process ended.
  int stop(int signal) {
    ::kill(pid_, signal);
    return wait();
  }
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return status;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace

TEST(ExactlyCounted, SinkKilledTwiceAndClickHouseDownFor20sStoresEachDocumentOnce) {
  Config config = testing::isolated_config("exact");
  const std::string password = config.clickhouse.password;
  ASSERT_FALSE(password.empty()) << "no ClickHouse password (var/secrets/clickhouse.password)";
  const fs::path home = fs::temp_directory_path() / (config.clickhouse.database + "_private");
  fs::create_directories(home);
  const std::string services = fs::absolute("scripts/services.sh").string();
  const int http_port = testing::free_port_block(2), tcp_port = http_port + 1;
  ASSERT_GT(http_port, 0) << "no two free loopback ports";
  const std::string start = "YUQING_VAR='" + home.string() + "' YUQING_CLICKHOUSE_PASSWORD='" + password +
                            "' YUQING_CLICKHOUSE_HTTP_PORT=" + std::to_string(http_port) +
                            " YUQING_CLICKHOUSE_TCP_PORT=" + std::to_string(tcp_port) + " " + services +
                            " start clickhouse";
  const std::string stop = "YUQING_VAR='" + home.string() + "' " + services + " stop clickhouse";
  ASSERT_EQ(shell(start), 0) << "could not start a private ClickHouse";
  struct Cleanup {
    std::string stop;
    fs::path home;
    ~Cleanup() {
      shell(stop);
      fs::remove_all(home);
    }
  } cleanup{stop, home};

  config.clickhouse.url = "http://127.0.0.1:" + std::to_string(http_port);
  config.sink.batch_rows = 2000;
  std::vector<std::string> applied;
  ASSERT_TRUE(clickhouse::migrate(config.clickhouse, clickhouse::embedded_migrations(), applied));
  ASSERT_TRUE(kafka::ensure_topics(config.kafka)) << "is Kafka running? scripts/services.sh start";
  const fs::path config_file = testing::write_config_file(config);
  {
    // A SIGKILLed member holds its partitions until its session times out (45 s by default); the
    // broker's minimum, 6 s, keeps the restarts quick. This is a pass-through librdkafka option.
    std::ifstream in(config_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("kafka:\n") + 7, 0, "  client: {session.timeout.ms: \"6000\"}\n");
    std::ofstream(config_file) << text;
  }
  const fs::path log = home / "sink.log";

  // The producer streams for about a minute so that the faults land mid-stream: first every
  // document once, with every 10th produced again a little later (a replay).
  std::atomic<int> produced{0};
  std::atomic<bool> producer_ok{true};
  std::thread producer([&] {
    Status s;
    auto p = kafka::Producer::create(config.kafka, "exact-test", s);
    if (!s) {
      producer_ok = false;
      return;
    }
    const auto begin = std::chrono::steady_clock::now();
    constexpr int kPerSecond = 2000;
    for (int i = 0; i < kDocuments; ++i) {
      if (!p->produce(config.kafka.enriched_topic, key(i), message(i))) producer_ok = false;
      if (i >= 500 && (i - 500) % kDuplicateEvery == 0)
        if (!p->produce(config.kafka.enriched_topic, key(i - 500), message(i - 500))) producer_ok = false;
      if (i % 1000 == 999) {
        produced = i + 1;
        std::this_thread::sleep_until(begin + std::chrono::milliseconds(int64_t(i + 1) * 1000 / kPerSecond));
      }
    }
    for (int i = kDocuments - 500; i < kDocuments; i += kDuplicateEvery)
      if (!p->produce(config.kafka.enriched_topic, key(i), message(i))) producer_ok = false;
    if (!p->flush(120000)) producer_ok = false;
    produced = kDocuments;
  });

  clickhouse::Client ch(config.clickhouse);
  auto stored = [&]() -> long {
    auto r = ch.execute("SELECT uniqExact(id) FROM documents FORMAT TabSeparated");
    return r.status ? std::stol(r.body) : -1;
  };
  auto wait_stored = [&](long at_least) {
    for (int i = 0; i < 1200 && stored() < at_least; ++i) std::this_thread::sleep_for(100ms);
  };

  auto sink = std::make_unique<SinkProcess>(config_file, log);
  wait_stored(15000);
  int status = sink->stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "first kill";
  const long after_first_kill = stored();

  sink = std::make_unique<SinkProcess>(config_file, log);
  wait_stored(after_first_kill + 15000);
  ASSERT_EQ(shell(stop), 0);
  const auto down_at = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(20s);
  ASSERT_EQ(shell(start), 0) << "could not restart the private ClickHouse";
  const auto down_for = std::chrono::steady_clock::now() - down_at;
  EXPECT_GE(down_for, 20s);

  wait_stored(stored() + 10000);
  status = sink->stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "second kill";

  producer.join();
  ASSERT_TRUE(producer_ok) << "producing the test documents failed";
  // The last sink reads everything that is left and exits.
  sink = std::make_unique<SinkProcess>(config_file, log, std::vector<std::string>{"--drain"});
  status = sink->wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the draining sink failed; see " << log;

  EXPECT_EQ(stored(), kDocuments - kDocuments / kMalformedEvery);
  auto r = ch.execute("SELECT uniqExactMerge(ids_state) FROM rollup_hourly FORMAT TabSeparated");
  ASSERT_TRUE(r.status) << r.status.to_string();
  EXPECT_EQ(std::stol(r.body), kDocuments - kDocuments / kMalformedEvery) << "rollups must stay exact too";
  r = ch.execute("SELECT count() FROM documents FORMAT TabSeparated");
  ASSERT_TRUE(r.status);
  std::cout << "rows stored (with replays not yet merged away): " << r.body;

  // The dead-letter topic: read to its end by a fresh group.
  Status s;
  auto dead = kafka::Consumer::create(config.kafka, config.sink.group + ".verify", {config.kafka.dead_letter_topic}, s);
  ASSERT_TRUE(s) << s.to_string();
  std::vector<kafka::Message> letters;
  for (int i = 0; i < 400 && !(letters.size() >= 100 && dead->at_end()); ++i) {
    auto batch = dead->poll(1000, 250, s);
    letters.insert(letters.end(), batch.begin(), batch.end());
  }
  std::set<std::string> keys;
  for (const auto& m : letters) {
    const auto j = nlohmann::json::parse(m.value);
    keys.insert(j.at("key").get<std::string>());
    EXPECT_EQ(j.at("stage"), "sink");
    EXPECT_FALSE(j.at("error").get<std::string>().empty());
  }
  std::set<std::string> malformed;
  for (int i = kMalformedEvery - 1; i < kDocuments; i += kMalformedEvery) malformed.insert(key(i));
  EXPECT_EQ(keys, malformed);
  EXPECT_EQ(letters.size(), malformed.size()) << "each malformed message dead-lettered exactly once";

  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("retrying"), std::string::npos) << "the sink should have retried while ClickHouse was down";
  testing::drop_database(config);
}

}  // namespace yuqing
