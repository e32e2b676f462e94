// The fault matrix of issue 15 on the whole pipeline: the real `yuqing crawl`, `yuqing process` and
// `yuqing sink` processes, crawl -> Kafka -> process -> Kafka -> sink -> ClickHouse, over the sandbox
// web releasing its six simulated weeks while they run, on a private Kafka broker and a private
// ClickHouse (scripts/services.sh with its own YUQING_VAR and ports, so killing them disturbs no one).
// While documents flow:
//
//   fault                                         how                                     when
//   Kafka broker restart                          SIGKILL its process group, start again  first rows stored
//   processor SIGKILL                             SIGKILL, start again at once            after the broker is back and rows flow
//   ClickHouse SIGKILLed, down 60 s               SIGKILL its process group, start 60 s   after the processor is back and rows flow
//                                                 later (inserts in flight are cut)
//   crawler SIGKILL (while ClickHouse is down)    SIGKILL, start again at once            10 s into the outage
//   sink SIGKILL (while it retries)               SIGKILL, start again at once            20 s into the outage
//
// Every fault must land mid-stream: the sandbox has not released its whole timeline yet, and not every
// document is stored. No stage may exit by itself. Afterwards every document the sandbox served (its
// truth file) is stored exactly once: no id missing, none foreign, distinct ids == count() FINAL ==
// the truth; the rollups (rollup_hourly, stories) count the same. SIGTERM then ends every stage with
// exit code 0.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/time.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "sandbox/web.h"
#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "stream/kafka.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A private Kafka and ClickHouse under `home`, on four free loopback ports, through scripts/services.sh.
class PrivateServices {
 public:
  PrivateServices(fs::path home, const std::string& clickhouse_password) : home_(std::move(home)) {
    const int base = testing::free_port_block(4);
    kafka_port = base;
    clickhouse_http_port = base + 2;
    if (base <= 0) return;
    fs::create_directories(home_);
    env_ = "YUQING_VAR='" + home_.string() + "' YUQING_CLICKHOUSE_PASSWORD='" + clickhouse_password +
           "' YUQING_KAFKA_PORT=" + std::to_string(base) + " YUQING_KAFKA_CONTROLLER_PORT=" + std::to_string(base + 1) +
           " YUQING_CLICKHOUSE_HTTP_PORT=" + std::to_string(base + 2) +
           " YUQING_CLICKHOUSE_TCP_PORT=" + std::to_string(base + 3) + " bash " +
           fs::absolute("scripts/services.sh").string();
  }
  ~PrivateServices() {
    if (!env_.empty()) run("stop");
  }
  bool ok() const { return !env_.empty(); }
  // scripts/services.sh VERB SERVICE..., its output appended to services.log.
  bool run(const std::string& verb, const std::string& services = "") {
    return std::system((env_ + " " + verb + " " + services + " >>'" + (home_ / "services.log").string() + "' 2>&1").c_str()) == 0;
  }
  // SIGKILL to a service's whole process group (services.sh starts each with setsid: "kafka",
  // "clickhouse"), then waits until its leader is gone.
  bool kill_service(const std::string& name) {
    const std::string pid_text = read_file(home_ / "run" / (name + ".pid"));
    const pid_t pid = std::atoi(pid_text.c_str());
    if (pid <= 0 || ::kill(-pid, SIGKILL) != 0) return false;
    for (int i = 0; i < 200; ++i) {
      if (::kill(pid, 0) != 0) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  std::string log() const { return read_file(home_ / "services.log"); }

  int kafka_port = -1, clickhouse_http_port = -1;

 private:
  fs::path home_;
  std::string env_;
};

// `yuqing --config FILE ARGS...` as a child process, stdout and stderr appended to `log`.
class Stage {
 public:
  Stage(std::string name, fs::path config, std::vector<std::string> args, fs::path log)
      : name_(std::move(name)), config_(std::move(config)), args_(std::move(args)), log_(std::move(log)) {}
  ~Stage() {
    if (pid_ > 0) stop(SIGKILL);
  }
  void start() {
    std::ofstream(log_, std::ios::app) << "==== test: start " << name_ << "\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<std::string> argv = {YUQING_BINARY, "--config", config_.string()};
      argv.insert(argv.end(), args_.begin(), args_.end());
      std::vector<char*> p;
      for (auto& a : argv) p.push_back(a.data());
      p.push_back(nullptr);
      ::execv(YUQING_BINARY, p.data());
      ::_exit(127);
    }
  }
  // Still running (it has not exited by itself)?
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    exited_ = status;
    return false;
  }
  // Sends `signal`, waits up to `seconds` for the exit (then SIGKILL) and returns the wait status.
  int stop(int signal, int seconds = 60) {
    if (pid_ <= 0) return exited_;
    ::kill(pid_, signal);
    int status = 0;
    for (int i = 0; i < seconds * 10; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(100ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  const std::string& name() const { return name_; }
  std::string log() const { return read_file(log_); }

 private:
  std::string name_;
  fs::path config_;
  std::vector<std::string> args_;
  fs::path log_;
  pid_t pid_ = -1;
  int exited_ = -1;
};

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Messages on `topic` and their distinct keys, read to the end by a consumer group of its own.
std::pair<size_t, size_t> topic_counts(const Config& c, const std::string& topic) {
  Status s;
  auto consumer = kafka::Consumer::create(c.kafka, topic + ".count." + std::to_string(::getpid()), {topic}, s);
  EXPECT_TRUE(s) << s.to_string();
  size_t messages = 0;
  std::set<std::string> keys;
  for (int idle = 0; consumer && idle < 10;) {
    const auto batch = consumer->poll(1000, 500, s);
    if (batch.empty()) {
      idle += consumer->at_end() ? 3 : 1;
      continue;
    }
    idle = 0;
    messages += batch.size();
    for (const auto& m : batch) keys.insert(m.key);
  }
  return {messages, keys.size()};
}

}  // namespace

TEST(FaultMatrix, PipelineSurvivesBrokerRestartStageKillsAndClickHouseDown60s) {
  // Children take their addresses from the config file; the environment (how CI points the shared
  // tests at its services) would send them to the shared services instead.
  ::unsetenv("YUQING_KAFKA_BROKERS");
  ::unsetenv("YUQING_CLICKHOUSE_URL");
  const auto test_began = Clock::now();
  Config config = testing::isolated_config("faults");
  const std::string password = config.clickhouse.password;
  ASSERT_FALSE(password.empty()) << "no ClickHouse password (var/secrets/clickhouse.password): scripts/services.sh start";
  const fs::path home = fs::temp_directory_path() / (config.clickhouse.database + "_faults");
  fs::remove_all(home);
  fs::create_directories(home);
  struct RemoveHome {
    fs::path home, config_home;
    ~RemoveHome() {
      std::error_code ec;
      fs::remove_all(config_home, ec);                                 // testing::write_config_file's
      if (!::testing::Test::HasFailure()) fs::remove_all(home, ec);  // kept with its logs when the test failed
    }
  } remove_home{home, fs::temp_directory_path() / (config.clickhouse.database + "_home")};
  PrivateServices services(home / "var", password);
  ASSERT_TRUE(services.ok()) << "no four free loopback ports";
  ASSERT_TRUE(services.run("start", "kafka clickhouse")) << "private services did not start:\n" << services.log();
  config.kafka.brokers = "127.0.0.1:" + std::to_string(services.kafka_port);
  config.clickhouse.url = "http://127.0.0.1:" + std::to_string(services.clickhouse_http_port);
  std::vector<std::string> applied;
  ASSERT_TRUE(clickhouse::migrate(config.clickhouse, clickhouse::embedded_migrations(), applied));
  ASSERT_TRUE(kafka::ensure_topics(config.kafka));

  // The sandbox web releases its six simulated weeks in 108 s, so the crawler keeps finding new
  // documents while the faults land; the sources re-crawl lists every 3 s.
  constexpr double kWeekSeconds = 18;
  const sandbox::SandboxWeb web =
      sandbox::SandboxWeb::generate(sandbox::load_scenario(config.resolve(config.sandbox.scenario)), config.sandbox.seed);
  sandbox::SandboxServer server(web, sandbox::ServeOptions{kWeekSeconds});
  ASSERT_TRUE(server.start("127.0.0.1", 0));
  std::set<std::string> truth;
  {
    std::istringstream lines(web.truth_jsonl(server.origins()));
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) truth.insert(nlohmann::json::parse(line)["id"].get<std::string>());
  }
  ASSERT_GE(truth.size(), 2000u);
  const UnixSeconds timeline_end = web.scenario().start + UnixSeconds(web.scenario().weeks) * 7 * 86400;
  {
    std::string sources = read_file(config.resolve(config.crawler.sources_file));
    for (size_t k = 0; k < server.origins().size(); ++k) {
      const std::string from = "http://127.0.0.1:" + std::to_string(18080 + k);
      for (size_t p = sources.find(from); p != std::string::npos; p = sources.find(from, p))
        sources.replace(p, from.size(), server.origins()[k]);
    }
    sources = std::regex_replace(sources, std::regex(R"(recrawl_minutes: \d+)"), "recrawl_minutes: 0.05");
    sources = std::regex_replace(sources, std::regex(R"(recrawl_days: \d+)"), "recrawl_days: 0.01");
    std::ofstream(home / "sources.yaml") << sources;
    config.crawler.sources_file = (home / "sources.yaml").string();
  }
  fs::path config_file = testing::write_config_file(config);
  {
    std::string yaml = read_file(config_file);
    // A SIGKILLed consumer holds its partitions until its session times out (45 s by default); the
    // broker's minimum, 6 s, lets the restarted processor take them back soon.
    yaml.replace(yaml.find("kafka:\n") + 7, 0, "  client: {session.timeout.ms: \"6000\"}\n");
    // Politeness is not under test: no Crawl-delay, a high rate, 8 connections per host.
    yaml.replace(yaml.find("crawler:\n") + 9, 0,
                 "  state_dir: " + (home / "crawl").string() +
                     "\n  max_crawl_delay_s: 0\n  per_host_rate: 1000\n  per_host_burst: 100\n"
                     "  per_host_connections: 8\n  retry_base_ms: 200\n");
    // Back-off while ClickHouse is down tops out at 5 s (60 s by default), so the test does not wait
    // a minute after ClickHouse is back.
    yaml.replace(yaml.find("sink:\n") + 6, 0, "  max_retry_ms: 5000\n");
    std::ofstream(config_file) << yaml;
  }

  clickhouse::Client ch(config.clickhouse);
  auto scalar = [&](const std::string& sql) -> long {
    auto r = ch.execute(sql + " FORMAT TabSeparated");
    return r.status ? std::stol(r.body) : -1;
  };
  auto stored = [&] { return scalar("SELECT uniqExact(id) FROM documents"); };

  Stage crawl("crawl", config_file, {"crawl"}, home / "crawl.log");
  Stage process("process", config_file, {"process"}, home / "process.log");
  Stage sink("sink", config_file, {"sink"}, home / "sink.log");
  std::vector<Stage*> stages = {&crawl, &process, &sink};
  auto all_running = [&]() -> std::string {  // "" when every stage still runs, else who exited
    std::string exited;
    for (Stage* s : stages)
      if (!s->running()) exited += s->name() + " exited; its log:\n" + s->log().substr(0, 6000) + "\n";
    return exited;
  };
  // Waits until `done` or `seconds` pass; false if a stage exited meanwhile.
  auto wait_until = [&](const std::function<bool()>& done, int seconds) {
    const auto deadline = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < deadline) {
      if (done()) return true;
      if (!all_running().empty()) return false;
      std::this_thread::sleep_for(250ms);
    }
    return done();
  };
  const auto t0 = Clock::now();
  auto at = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  std::ostringstream timeline;  // what happened when, printed at the end
  auto note = [&](const std::string& what) {
    timeline << "  " << std::fixed << std::setprecision(1) << at() << " s: " << what << " (stored " << stored() << " of "
             << truth.size() << ", sandbox at " << format_iso8601(server.simulated_now(), 480).substr(0, 16) << ")\n";
  };
  auto mid_stream = [&](const std::string& fault, long stored_at_fault) {
    EXPECT_LT(server.simulated_now(), timeline_end) << fault << ": the sandbox had released everything already";
    EXPECT_LT(stored_at_fault, long(truth.size())) << fault << ": every document was stored already";
  };

  for (Stage* s : stages) s->start();
  note("stages started");
  ASSERT_TRUE(wait_until([&] { return stored() >= 100; }, 120)) << "nothing stored: " << all_running();

  // 1. The Kafka broker: SIGKILL, then started again (the JVM takes a few seconds; every client is
  //    without a broker meanwhile).
  long before = stored();
  mid_stream("Kafka restart", before);
  note("SIGKILL the Kafka broker");
  ASSERT_TRUE(services.kill_service("kafka")) << "could not SIGKILL the private Kafka";
  ASSERT_TRUE(services.run("start", "kafka")) << "the private Kafka did not start again:\n" << services.log();
  note("Kafka broker started again");
  EXPECT_TRUE(wait_until([&] { return stored() >= before + 200; }, 120))
      << "nothing more stored after the broker restart: " << all_running();

  // 2. The processor: SIGKILL, started again at once (it takes its partitions back when the dead
  //    member's 6 s session ends).
  before = stored();
  mid_stream("processor SIGKILL", before);
  note("SIGKILL the processor");
  int status = process.stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "processor: " << describe_status(status);
  process.start();
  // Stored rows count only once the restarted processor has its partitions (before that the sink
  // may still be writing what the killed one produced).
  auto restarted_log = [&] {
    const std::string text = process.log();
    return text.substr(text.rfind("==== test: start process"));
  };
  EXPECT_TRUE(wait_until([&] { return restarted_log().find("assigned") != std::string::npos; }, 60))
      << "the restarted processor got no partitions: " << restarted_log();
  note("the restarted processor has its partitions");
  before = stored();
  EXPECT_TRUE(wait_until([&] { return stored() >= before + 200; }, 120))
      << "nothing more stored after the processor restart: " << all_running();

  // 3. ClickHouse SIGKILLed while the sink writes (no shutdown: inserts in flight are cut, the
  //    server's own files left as they are) and down for 60 s; 10 s into the outage 4. the crawler
  //    SIGKILLed and started again.
  before = stored();
  mid_stream("ClickHouse SIGKILL", before);
  note("SIGKILL ClickHouse");
  ASSERT_TRUE(services.kill_service("clickhouse")) << "could not SIGKILL the private ClickHouse";
  const auto down_at = Clock::now();
  note("ClickHouse killed");
  std::this_thread::sleep_for(10s);
  EXPECT_TRUE(all_running().empty()) << all_running();
  EXPECT_LT(server.simulated_now(), timeline_end) << "crawler SIGKILL: the sandbox had released everything already";
  note("SIGKILL the crawler");
  status = crawl.stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "crawler: " << describe_status(status);
  crawl.start();
  // 5. And 20 s into it the sink, which is retrying its batch against the missing ClickHouse.
  std::this_thread::sleep_until(down_at + 20s);
  EXPECT_NE(sink.log().find("retrying"), std::string::npos) << "the sink was not retrying when it was killed";
  note("SIGKILL the sink");
  status = sink.stop(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "sink: " << describe_status(status);
  sink.start();
  std::this_thread::sleep_until(down_at + 60s);
  EXPECT_TRUE(all_running().empty()) << all_running();
  ASSERT_TRUE(services.run("start", "clickhouse")) << "the private ClickHouse did not start again:\n" << services.log();
  const double down_for = std::chrono::duration<double>(Clock::now() - down_at).count();
  EXPECT_GE(down_for, 60.0);
  note("ClickHouse started again after " + std::to_string(int(down_for)) + " s");

  // Every document of the truth arrives (the crawler finds the rest of the timeline meanwhile).
  const bool complete = wait_until([&] { return stored() >= long(truth.size()); }, 180);
  note(complete ? "every document stored" : "gave up waiting");
  EXPECT_TRUE(complete) << "stored " << stored() << " of " << truth.size() << "; " << all_running();
  const std::string exited = all_running();
  EXPECT_TRUE(exited.empty()) << exited;

  // The stages end cleanly on SIGTERM.
  for (Stage* s : stages) {
    status = s->stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << s->name() << " on SIGTERM: " << describe_status(status) << "; log:\n" << s->log().substr(0, 6000);
  }

  // Exact counts.
  std::set<std::string> ids;
  {
    auto r = ch.execute("SELECT DISTINCT id FROM documents FORMAT TabSeparated");
    ASSERT_TRUE(r.status) << r.status.to_string();
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) ids.insert(line);
  }
  size_t missing = 0, foreign = 0;
  for (const auto& id : truth)
    if (!ids.count(id) && ++missing <= 10) ADD_FAILURE() << "lost: " << id;
  for (const auto& id : ids)
    if (!truth.count(id) && ++foreign <= 10) ADD_FAILURE() << "not in the truth: " << id;
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(foreign, 0u);
  const long distinct = stored(), raw = scalar("SELECT count() FROM documents"),
             final_rows = scalar("SELECT count() FROM documents FINAL"),
             hourly = scalar("SELECT uniqExactMerge(ids_state) FROM rollup_hourly"),
             stories = scalar("SELECT uniqExactMerge(ids_state) FROM stories");
  EXPECT_EQ(distinct, long(truth.size()));
  EXPECT_EQ(final_rows, long(truth.size())) << "a document stored twice";
  EXPECT_EQ(hourly, long(truth.size())) << "rollup_hourly";
  EXPECT_EQ(stories, long(truth.size())) << "stories";
  EXPECT_NE(sink.log().find("retrying"), std::string::npos) << "the sink should have retried while ClickHouse was down";
  // What the faults made the stages send again (absorbed above): messages beyond one per document.
  const auto [raw_messages, raw_keys] = topic_counts(config, config.kafka.raw_topic);
  const auto [enriched_messages, enriched_keys] = topic_counts(config, config.kafka.enriched_topic);
  EXPECT_EQ(raw_keys, truth.size());
  EXPECT_EQ(enriched_keys, truth.size());

  std::cout << "fault matrix timeline:\n"
            << timeline.str() << "truth " << truth.size() << " documents; stored: distinct ids " << distinct
            << ", count() FINAL " << final_rows << ", count() before merging " << raw << "; rollup_hourly " << hourly
            << ", stories " << stories << "; Kafka: " << raw_messages << " raw messages (" << raw_keys << " ids), "
            << enriched_messages << " enriched (" << enriched_keys << " ids); test wall time "
            << std::chrono::duration<double>(Clock::now() - test_began).count() << " s\n";
}

}  // namespace yuqing
