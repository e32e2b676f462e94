// Alerts over stored data, end to end with the real binary, ClickHouse and a private mail sink:
// `alert run --from --to` over the default scenario stored by `sandbox --store` raises exactly the
// alerts of `alert backtest`, a second replay adds none, and the mails that reach the Maildir read
// right — including one about a document with a hostile title.
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
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "core/document.h"
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

}  // namespace
}  // namespace yuqing
