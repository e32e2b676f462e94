// Alerts over stored data, end to end with the real binary, ClickHouse and a private mail sink:
// `alert run --from --to` over the default scenario stored by `sandbox --store` raises exactly the
// alerts of `alert backtest`, a second replay adds none, and the mails that reach the Maildir read
// right — including one about a document with a hostile title. The continuous runner alerts a
// watch-list document within its hour, and the hour's full evaluation adds nothing to it. The
// runner SIGKILLed mid-replay, and the continuous runner SIGKILLed while it mails, each restarted:
// every mail reaches each recipient exactly once (issue 15).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "core/document.h"
#include "core/time.h"
#include "storage/clickhouse/client.h"
#include "storage/sink.h"
#include "tests/integration/maildir.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;

// Runs a shell command and returns its standard output; fails the test on a non-zero exit.
std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get())) out.append(buf.data(), n);
  const int status = ::pclose(pipe.release());
  EXPECT_EQ(status, 0) << command;
  return out;
}

class AlertsOverStoredData : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("YUQING_CLICKHOUSE_URL");
    ::unsetenv("YUQING_SMTP_URL");
    config_ = testing::isolated_config("alerts");
    home_ = fs::temp_directory_path() / ("yuqing-alerts-" + std::to_string(::getpid()));
    fs::remove_all(home_);
    fs::create_directories(home_);
    smtp_port_ = testing::free_port_block(1);
    config_.mail.url = "smtp://127.0.0.1:" + std::to_string(smtp_port_);
    config_.mail.outbox_dir = (home_ / "outbox").string();
    file_ = testing::write_config_file(config_);
    services_ = "YUQING_VAR='" + (home_ / "var").string() + "' YUQING_SMTP_PORT=" + std::to_string(smtp_port_) + " bash " +
                fs::absolute("scripts/services.sh").string();
    yuqing_ = std::string(YUQING_BINARY) + " -c " + file_.string();
    alerts_ = " --alerts " + fs::absolute("configs/alerts.yaml").string();
  }
  void TearDown() override {
    // A failed test shows what its child processes logged, which the removal below would lose.
    if (HasFailure())
      for (const char* log : {"runner.log", "mailer.log", "reference.log"})
        if (fs::exists(home_ / log)) std::printf("--- %s (last 40 lines)\n%s", log, run("tail -n 40 '" + (home_ / log).string() + "'").c_str());
    std::system((services_ + " stop smtp >/dev/null 2>&1").c_str());
    testing::drop_database(config_);
    fs::remove_all(home_);
  }

  std::set<std::string> stored_ids() {
    std::set<std::string> ids;
    std::istringstream lines(run(yuqing_ + " alert" + alerts_ + " list --limit 10000 --json 2>/dev/null"));
    for (std::string line; std::getline(lines, line);) ids.insert(nlohmann::json::parse(line).at("id").get<std::string>());
    return ids;
  }

  Config config_;
  fs::path home_, file_;
  int smtp_port_ = 0;
  std::string services_, yuqing_, alerts_;
};

TEST_F(AlertsOverStoredData, ReplayEqualsBacktestAndMailsReadRight) {
  run(yuqing_ + " sandbox --store 2>/dev/null");

  // A document with a hostile title that names a watch-list term, in the scenario's third week.
  {
    Document d;
    d.id = make_document_id("http://127.0.0.1:18084/hostile", "");
    d.kind = DocKind::post;
    d.url = "http://127.0.0.1:18084/hostile";
    d.site = "forum";
    d.title = "<script>alert(1)</script>\r\nBcc: x@example.com";
    d.text = "运河街道华兴路一处路面塌陷，有车辆陷入。";
    d.author = "路人甲";
    d.published_at = 1792382400;  // 2026-10-19 12:00 China time
    d.fetched_at = *d.published_at;
    Tags t;
    t.places = {"运河街道"};
    t.sentiment_label = "negative";
    clickhouse::Client client(config_.clickhouse);
    ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row({d, t, *d.published_at})).status);
  }

  // The backtest and the replay over stored data raise the same alerts (the hostile document is
  // only in storage: its watch-term alert is the one difference, and it is checked on its own).
  const auto backtest = nlohmann::json::parse(run(yuqing_ + " alert" + alerts_ + " backtest --format json 2>/dev/null"));
  std::set<std::string> expected;
  for (const auto& a : backtest.at("alerts")) expected.insert(a.at("id").get<std::string>());
  ASSERT_GE(expected.size(), 5u);

  run(services_ + " start smtp >/dev/null");
  run(yuqing_ + " alert" + alerts_ + " run --from 2026-10-05 --to 2026-11-16 2>/dev/null");
  std::set<std::string> stored = stored_ids();
  std::set<std::string> extra;
  for (const auto& id : stored)
    if (!expected.count(id)) extra.insert(id);
  for (const auto& id : expected) EXPECT_TRUE(stored.count(id)) << "backtest alert " << id << " not raised by alert run";
  ASSERT_EQ(extra.size(), 1u) << "only the hostile document's watch-term alert is new";
  const std::string shown = run(yuqing_ + " alert" + alerts_ + " show " + *extra.begin() + " 2>/dev/null");
  EXPECT_NE(shown.find("塌陷"), std::string::npos) << shown;

  // A second replay of the same period adds no alert and no mail.
  const size_t outbox_before = std::distance(fs::directory_iterator(home_ / "outbox" / "pending"), fs::directory_iterator{});
  run(yuqing_ + " alert" + alerts_ + " run --from 2026-10-05 --to 2026-11-16 2>/dev/null");
  EXPECT_EQ(stored_ids(), stored);
  EXPECT_EQ(size_t(std::distance(fs::directory_iterator(home_ / "outbox" / "pending"), fs::directory_iterator{})), outbox_before);

  // Deliver and read the Maildir.
  run(yuqing_ + " mail flush --idle-exit 2 2>/dev/null");
  const auto mails = testing::read_maildir(home_ / "var" / "mail" / "inbox");
  ASSERT_FALSE(mails.empty());
  std::set<std::string> recipients;
  bool found_hostile = false, found_surge = false;
  for (const auto& m : mails) {
    EXPECT_EQ(m.count("Bcc"), 0u) << m.file;
    recipients.insert(m.header("X-RcptTo"));
    if (m.subject().find("塌陷") != std::string::npos) {
      found_hostile = true;
      EXPECT_NE(m.subject().find("[舆情预警·重大]"), std::string::npos) << m.subject();
      EXPECT_NE(m.html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
      EXPECT_EQ(m.html.find("<script>"), std::string::npos);
      EXPECT_NE(m.text.find("<script>alert(1)</script>"), std::string::npos) << "shown as text in the plain part";
    }
    if (m.subject().find("运河街道 老旧小区与棚户区改造") != std::string::npos) {
      found_surge = true;
      for (const char* section : {"责任单位", "观测 / 预期", "代表性文档", "规则"}) EXPECT_NE(m.html.find(section), std::string::npos) << section;
      EXPECT_NE(m.html.find("href=\"http://127.0.0.1:1808"), std::string::npos) << "links to the documents";
      EXPECT_NE(m.html.find("/#/alerts/"), std::string::npos) << "link to the dashboard";
    }
  }
  EXPECT_TRUE(found_hostile);
  EXPECT_TRUE(found_surge);
  // The surge reached the street's government, the housing bureau and the openness office.
  for (const char* to : {"yunhe@taierzhuang.gov.example", "zjj@taierzhuang.gov.example", "gongkai@taierzhuang.gov.example"})
    EXPECT_TRUE(recipients.count(to)) << to;
}

// `alert run` without --from/--to watches the present: each interval it evaluates the hours since
// its last evaluation. A watch-list document published half an hour before the last full hour is
// alerted by --once; the continuous runner stops cleanly on SIGTERM.
TEST_F(AlertsOverStoredData, ContinuousRunAlertsThePresentAndStopsOnSigterm) {
  run(yuqing_ + " migrate --no-kafka 2>/dev/null");
  // The runner evaluates the last full hour; start well inside an hour so the test's hour is that one.
  if (const UnixSeconds into = now_seconds() % 3600; into > 3540) std::this_thread::sleep_for(std::chrono::seconds(3602 - into));
  Document d;
  d.id = make_document_id("http://127.0.0.1:18084/now", "");
  d.kind = DocKind::post;
  d.url = "http://127.0.0.1:18084/now";
  d.site = "forum";
  d.title = "泥沟镇一处民房塌陷";
  d.text = "泥沟镇一处民房塌陷，暂无人员受伤。";
  d.author = "路人乙";
  d.published_at = now_seconds() / 3600 * 3600 - 1800;
  d.fetched_at = *d.published_at;
  Tags t;
  t.places = {"泥沟镇"};
  t.sentiment_label = "negative";
  clickhouse::Client client(config_.clickhouse);
  ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row({d, t, *d.published_at})).status);

  run(yuqing_ + " alert" + alerts_ + " run --once --no-mail 2>/dev/null");
  const auto stored = stored_ids();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_NE(run(yuqing_ + " alert" + alerts_ + " show " + *stored.begin() + " 2>/dev/null").find("塌陷"), std::string::npos);

  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // the runner itself, not a shell, so that SIGTERM reaches it
    const std::string alerts_file = fs::absolute("configs/alerts.yaml").string();
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(YUQING_BINARY, YUQING_BINARY, "-c", file_.c_str(), "alert", "--alerts", alerts_file.c_str(), "run", "--no-mail", nullptr);
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // started, evaluated, waiting for the next interval
  ::kill(pid, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::waitpid(pid, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(WIFEXITED(status)) << "the runner did not stop within 10 s of SIGTERM";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(stored_ids(), stored) << "the continuous run evaluated the same hour again and added nothing";
}

// `yuqing -c CONFIG ARGS...` as a child process, stdout and stderr appended to `log`.
pid_t start_yuqing(const fs::path& config, std::vector<std::string> args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    args.insert(args.begin(), {YUQING_BINARY, "-c", config.string()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(YUQING_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

size_t json_files_in(const fs::path& dir) {
  std::error_code ec;
  size_t n = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) n += it->path().extension() == ".json";
  return n;
}

// (Message-ID, recipient) of every pending entry of an outbox whose subject contains `subject_part`.
std::set<std::pair<std::string, std::string>> pending_mails(const fs::path& outbox, const std::string& subject_part = "") {
  std::set<std::pair<std::string, std::string>> out;
  std::error_code ec;
  for (fs::directory_iterator it(outbox / "pending", ec), end; !ec && it != end; it.increment(ec)) {
    std::ifstream in(it->path());
    const auto j = nlohmann::json::parse(in);
    if (j.value("subject", "").find(subject_part) != std::string::npos)
      out.insert({j.at("message_id").get<std::string>(), j.at("rcpt").get<std::string>()});
  }
  return out;
}

// A copy of the config file `file` at `out` whose mail goes to the outbox `outbox` instead.
void write_config_with_outbox(const fs::path& file, const fs::path& outbox, const fs::path& out) {
  std::ifstream in(file);
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = yaml.find("outbox_dir: ");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, yaml.find('\n', at) - at, "outbox_dir: " + outbox.string());
  std::ofstream(out) << yaml;
}

// Compares the Maildir with the expected (Message-ID, recipient) pairs: each exactly once, none else.
void expect_each_mail_once(const fs::path& maildir, const std::set<std::pair<std::string, std::string>>& expected,
                           const std::string& what) {
  std::map<std::pair<std::string, std::string>, int> copies;
  for (const auto& m : testing::read_maildir(maildir)) ++copies[{m.message_id(), m.header("X-RcptTo")}];
  int missing = 0, doubled = 0, foreign = 0;
  for (const auto& key : expected) {
    const int n = copies.count(key) ? copies[key] : 0;
    missing += n == 0;
    doubled += n > 1;
    if (n != 1 && missing + doubled <= 10) ADD_FAILURE() << key.first << " to " << key.second << ": " << n << " copies";
  }
  for (const auto& [key, n] : copies)
    if (!expected.count(key) && ++foreign <= 10) ADD_FAILURE() << "not in the reference: " << key.first << " to " << key.second;
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(doubled, 0);
  EXPECT_EQ(foreign, 0);
  std::printf("%s: %zu mails expected (alert x recipient), %zu distinct in the Maildir, %d missing, %d doubled, %d foreign\n",
              what.c_str(), expected.size(), copies.size(), missing, doubled, foreign);
}

// Issue 15: `alert run` SIGKILLed in the middle of a six-week replay and started again, while the
// real `yuqing mail flush` delivers to a private sink. Every mail an uninterrupted replay of the same
// weeks puts in an outbox of its own (one per alert and recipient) reaches the sink exactly once,
// counted by (Message-ID, recipient); none arrives that the reference does not have. The runner
// stores an alert before it queues its mails, and a restart queues them again (enqueue is
// idempotent), so a kill between the two loses nothing.
// A runner that was down across hour boundaries evaluates every hour it missed when it starts
// again: its last fully evaluated hour is kept beside the outbox (evaluated-through). A watch-list
// document of three hours ago is alerted only by the hour that ends after it, so a runner that
// resumed from "now" would never alert it.
TEST_F(AlertsOverStoredData, ARestartedRunnerEvaluatesTheHoursItMissed) {
  run(yuqing_ + " migrate --no-kafka 2>/dev/null");
  if (const UnixSeconds into = now_seconds() % 3600; into > 3540) std::this_thread::sleep_for(std::chrono::seconds(3602 - into));
  const UnixSeconds hour = now_seconds() / 3600 * 3600;
  Document d;
  d.url = "http://127.0.0.1:18084/earlier";
  d.id = make_document_id(d.url, "");
  d.kind = DocKind::post;
  d.site = "forum";
  d.title = "邳庄镇一处桥梁塌陷";
  d.text = "邳庄镇一处桥梁塌陷，正在抢修。";
  d.author = "路人丙";
  d.published_at = hour - 3 * 3600 - 1800;
  d.fetched_at = *d.published_at;
  Tags t;
  t.places = {"邳庄镇"};
  t.sentiment_label = "negative";
  clickhouse::Client client(config_.clickhouse);
  ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row({d, t, *d.published_at})).status);
  const fs::path progress = home_ / "outbox" / "evaluated-through";

  struct Step {
    const char* what;
    std::optional<UnixSeconds> progress_before;  // written before the run; nullopt: no file (a first start)
    size_t alerts_after;
  };
  const Step steps[] = {
      {"a first start evaluates the last hour only", std::nullopt, 0},
      {"progress is now the last hour: nothing missed", hour, 0},
      {"down since five hours ago: the hour three hours ago is evaluated", hour - 5 * 3600, 1},
  };
  for (const auto& step : steps) {
    if (step.progress_before) {
      fs::create_directories(progress.parent_path());
      std::ofstream(progress) << *step.progress_before << "\n";
    }
    run(yuqing_ + " alert" + alerts_ + " run --once --no-mail 2>/dev/null");
    EXPECT_EQ(stored_ids().size(), step.alerts_after) << step.what;
    std::ifstream in(progress);
    long long through = 0;
    EXPECT_TRUE(in >> through) << step.what << ": " << progress << " written";
    EXPECT_EQ(through, hour) << step.what;
  }
}

TEST_F(AlertsOverStoredData, RunnerKilledMidRunAndRestartedMailsEachRecipientExactlyOnce) {
  run(yuqing_ + " sandbox --store 2>/dev/null");
  run(services_ + " start smtp >/dev/null");
  const std::string alerts_file = fs::absolute("configs/alerts.yaml").string();
  const fs::path outbox = home_ / "outbox";
  auto queued = [&] { return json_files_in(outbox / "pending") + json_files_in(outbox / "delivered"); };
  const std::vector<std::string> replay = {"alert", "--alerts", alerts_file, "run", "--from", "2026-10-05", "--to", "2026-11-16"};

  const pid_t mailer = start_yuqing(file_, {"mail", "flush"}, home_ / "mailer.log");
  pid_t runner = start_yuqing(file_, replay, home_ / "runner.log");
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 60000 && !exited && queued() < 5; ++i) {
    exited = ::waitpid(runner, &status, WNOHANG) == runner;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "the replay ended before it was killed; kill it earlier";
  ::kill(runner, SIGKILL);
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const size_t at_kill = queued();
  runner = start_yuqing(file_, replay, home_ / "runner.log");
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the restarted replay failed";

  // The reference: the same weeks replayed without a fault into an outbox nobody delivers.
  const fs::path reference_outbox = home_ / "reference-outbox", reference_config = home_ / "reference.yaml";
  write_config_with_outbox(file_, reference_outbox, reference_config);
  runner = start_yuqing(reference_config, replay, home_ / "reference.log");
  ::waitpid(runner, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the reference replay failed";
  const auto expected = pending_mails(reference_outbox);
  ASSERT_GE(expected.size(), 10u);
  EXPECT_LT(at_kill, expected.size()) << "the kill came after every mail was queued: not mid-run";

  // Everything queued is delivered; then the mailer ends on SIGTERM.
  for (int i = 0; i < 1200 && json_files_in(outbox / "pending") > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(json_files_in(outbox / "pending"), 0u) << "not delivered within 120 s";
  ::kill(mailer, SIGTERM);
  ::waitpid(mailer, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the mailer on SIGTERM";

  std::printf("alert runner SIGKILL mid-replay: %zu mails queued at the kill\n", at_kill);
  expect_each_mail_once(home_ / "var" / "mail" / "inbox", expected, "alert runner SIGKILL mid-replay");
}

// The continuous `alert run` evaluates the hour in progress for the immediate detectors: a
// watch-list document stored mid-hour has its alert and its 重大 mails in the outbox before the
// hour ends, and the full evaluation of that hour afterwards adds no alert and no mail.
TEST_F(AlertsOverStoredData, ContinuousRunAlertsAWatchTermMidHourAndTheFullHourAddsNothing) {
  run(yuqing_ + " migrate --no-kafka 2>/dev/null");
  // Leave two minutes before the hour's end, so that "before the hour ends" means something.
  if (const UnixSeconds into = now_seconds() % 3600; into > 3480) std::this_thread::sleep_for(std::chrono::seconds(3602 - into));
  const fs::path alerts_file = home_ / "alerts.yaml";
  run("sed 's/^immediate_interval_seconds: [0-9]*/immediate_interval_seconds: 1/' " + fs::absolute("configs/alerts.yaml").string() +
      " > " + alerts_file.string());
  ASSERT_NE(run("grep -c '^immediate_interval_seconds: 1 ' " + alerts_file.string()), "0\n");
  const std::string alerts = " --alerts " + alerts_file.string();

  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(YUQING_BINARY, YUQING_BINARY, "-c", file_.c_str(), "alert", "--alerts", alerts_file.c_str(), "run", nullptr);
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the runner evaluated the last full hour and watches this one

  Document d;
  d.id = make_document_id("http://127.0.0.1:18084/midhour", "");
  d.kind = DocKind::post;
  d.url = "http://127.0.0.1:18084/midhour";
  d.site = "forum";
  d.title = "泥沟镇一处民房塌陷";
  d.text = "泥沟镇一处民房塌陷，暂无人员受伤。";
  d.author = "路人丙";
  d.published_at = now_seconds();
  d.fetched_at = *d.published_at;
  Tags t;
  t.places = {"泥沟镇"};
  t.sentiment_label = "negative";
  const UnixSeconds hour_end = *d.published_at / 3600 * 3600 + 3600;
  clickhouse::Client client(config_.clickhouse);
  ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row({d, t, *d.published_at})).status);

  const fs::path pending = home_ / "outbox" / "pending";
  auto pending_count = [&] {
    return fs::exists(pending) ? size_t(std::distance(fs::directory_iterator(pending), fs::directory_iterator{})) : size_t(0);
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (pending_count() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const UnixSeconds mailed = now_seconds();
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // Two mails (泥沟镇 and the openness office), before the hour's end, about one alert fired inside the hour.
  ASSERT_EQ(pending_count(), 2u) << "no 重大 mail in the outbox within 60 s of the document";
  EXPECT_LT(mailed, hour_end);
  const auto listed = run(yuqing_ + " alert" + alerts + " list --json 2>/dev/null");
  const auto alert = nlohmann::json::parse(listed.substr(0, listed.find('\n')));
  const auto fired = parse_iso8601(alert.at("fired_at").get<std::string>());
  ASSERT_TRUE(fired);
  EXPECT_GE(*fired, *d.published_at);
  EXPECT_LT(*fired, hour_end) << "fired by the hour's full evaluation, not within the hour";
  EXPECT_EQ(alert.at("severity"), "critical");
  const auto stored = stored_ids();
  ASSERT_EQ(stored.size(), 1u);

  // The full evaluation of the hour (as the runner does when it ends, here at once): the same id,
  // nothing new stored, nothing new in the outbox, the alert still fired when it was.
  run(yuqing_ + " alert" + alerts + " run --from " + format_iso8601(hour_end - 3600, 0) + " --to " + format_iso8601(hour_end, 0) + " 2>/dev/null");
  EXPECT_EQ(stored_ids(), stored);
  EXPECT_EQ(pending_count(), 2u);
  const auto again = run(yuqing_ + " alert" + alerts + " list --json 2>/dev/null");
  EXPECT_EQ(nlohmann::json::parse(again.substr(0, again.find('\n'))).at("fired_at"), alert.at("fired_at"));
}

// Issue 15: the continuous `alert run` (immediate detectors every second) SIGKILLed as soon as the
// first of three watch-list documents has its mails queued, and started again; three more documents
// follow. Every mail of their alerts reaches its recipient exactly once: the same (Message-ID,
// recipient) pairs as the hour's full evaluation queues into an outbox of its own.
TEST_F(AlertsOverStoredData, ContinuousRunnerKilledAndRestartedMailsEveryWatchTermAlertOnce) {
  run(yuqing_ + " migrate --no-kafka 2>/dev/null");
  run(services_ + " start smtp >/dev/null");
  // Three minutes before the hour's end at least, so that every document is in the same hour.
  if (const UnixSeconds into = now_seconds() % 3600; into > 3420) std::this_thread::sleep_for(std::chrono::seconds(3602 - into));
  const fs::path alerts_file = home_ / "alerts.yaml";
  // No quiet hours: the live runner decides a 较大 mail by the minute it fires, the hour-end
  // reference by the hour's end, so across 07:00 or 22:00 local they rightly disagree (the rule
  // itself is Notify.ImmediateMailsKeepQuietHours); this test counts deliveries, at any time of day.
  run("sed -e 's/^immediate_interval_seconds: [0-9]*/immediate_interval_seconds: 1/' -e 's/^  quiet_start_hour: [0-9]*/  quiet_start_hour: 0/' "
      "-e 's/^  quiet_end_hour: [0-9]*/  quiet_end_hour: 0/' " + fs::absolute("configs/alerts.yaml").string() + " > " + alerts_file.string());
  ASSERT_EQ(run("grep -c -e '^immediate_interval_seconds: 1 ' -e '^  quiet_start_hour: 0 ' -e '^  quiet_end_hour: 0 ' " + alerts_file.string()), "3\n");
  const std::vector<std::string> live = {"alert", "--alerts", alerts_file.string(), "run"};
  const fs::path outbox = home_ / "outbox";
  auto queued = [&] { return json_files_in(outbox / "pending") + json_files_in(outbox / "delivered"); };
  clickhouse::Client client(config_.clickhouse);
  const std::vector<std::pair<const char*, const char*>> events = {
      {"泥沟镇", "泥沟镇一处民房塌陷"}, {"运河街道", "运河街道一仓库发生火灾"}, {"涧头集镇", "涧头集镇工地有人讨薪聚集"},
      {"邳庄镇", "邳庄镇一化工厂疑似爆炸"}, {"张山子镇", "张山子镇多人食物中毒"}, {"马兰屯镇", "马兰屯镇有人上访"}};
  UnixSeconds first_published = 0;
  auto publish = [&](size_t k) {
    Document d;
    d.url = "http://127.0.0.1:18084/continuous/" + std::to_string(k);
    d.id = make_document_id(d.url, "");
    d.kind = DocKind::post;
    d.site = "forum";
    d.title = events[k].second;
    d.text = std::string(events[k].second) + "，详情待核实。";
    d.author = "网友" + std::to_string(k);
    d.published_at = now_seconds();
    d.fetched_at = *d.published_at;
    if (!first_published) first_published = *d.published_at;
    Tags t;
    t.places = {events[k].first};
    t.sentiment_label = "negative";
    ASSERT_TRUE(client.execute("INSERT INTO documents FORMAT JSONEachRow", clickhouse::to_row({d, t, *d.published_at})).status);
  };

  const pid_t mailer = start_yuqing(file_, {"mail", "flush"}, home_ / "mailer.log");
  pid_t runner = start_yuqing(file_, live, home_ / "runner.log");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // evaluated the last full hour, watching this one
  for (size_t k = 0; k < 3; ++k) publish(k);
  int status = 0;
  for (int i = 0; i < 30000 && queued() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_GT(queued(), 0u) << "no mail queued within 60 s of the documents";
  ::kill(runner, SIGKILL);
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the runner had ended by itself";
  const size_t at_kill = queued();
  runner = start_yuqing(file_, live, home_ / "runner.log");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (size_t k = 3; k < events.size(); ++k) publish(k);

  // The reference: the hour's full evaluation, into an outbox nobody delivers, only the watch-term
  // alerts (敏感信息) of these documents.
  const UnixSeconds hour_end = first_published / 3600 * 3600 + 3600;
  const fs::path reference_outbox = home_ / "reference-outbox", reference_config = home_ / "reference.yaml";
  write_config_with_outbox(file_, reference_outbox, reference_config);
  const pid_t reference = start_yuqing(reference_config,
                                       {"alert", "--alerts", alerts_file.string(), "run", "--from", format_iso8601(hour_end - 3600, 0),
                                        "--to", format_iso8601(hour_end, 0)},
                                       home_ / "reference.log");
  ::waitpid(reference, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the reference evaluation failed";
  const auto expected = pending_mails(reference_outbox, "敏感信息");
  ASSERT_GE(expected.size(), events.size()) << "every document an alert with at least one recipient";
  EXPECT_LT(at_kill, expected.size()) << "killed after every mail was queued";

  // The live runner queues them all within seconds; the mailer delivers them.
  for (int i = 0; i < 600 && (queued() < expected.size() || json_files_in(outbox / "pending") > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(runner, SIGTERM);
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the runner on SIGTERM";
  ::kill(mailer, SIGTERM);
  ::waitpid(mailer, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the mailer on SIGTERM";
  EXPECT_LT(now_seconds(), hour_end) << "the hour ended during the test: the live runner may have added its full evaluation";
  std::printf("continuous alert runner SIGKILL: %zu mails queued at the kill\n", at_kill);
  expect_each_mail_once(home_ / "var" / "mail" / "inbox", expected, "continuous alert runner SIGKILL");
}

}  // namespace
}  // namespace yuqing
