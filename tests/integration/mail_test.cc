// The mail adapter against a real SMTP server: a private aiosmtpd sink (scripts/services.sh start
// smtp with its own YUQING_VAR and port) writing a Maildir, read back with tests/integration/maildir.h.
//
// The fault test enqueues 40 alerts x 3 recipients (one mail each, as alerts/notify.h makes them)
// in waves while the real `yuqing mail flush` process delivers them; the mailer is SIGKILLed
// mid-stream and restarted, and the sink is stopped for 60 s mid-stream. Afterwards every (Message-ID, X-RcptTo) pair is in the Maildir exactly once,
// except a copy that was "in doubt" at a fault: stored by the sink while its outbox entry was still
// pending (the SMTP window of outbox.h: the server stored it, the mailer never saw the 250). Such a
// copy is necessarily sent again, so it must arrive exactly twice, and each fault may leave at most
// one (one transaction is in flight at a time). The test finds those copies itself, at the fault.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "alerts/notify.h"
#include "core/config.h"
#include "mail/outbox.h"
#include "mail/smtp.h"
#include "tests/integration/maildir.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

int shell(const std::string& command) { return std::system(command.c_str()); }

std::size_t files_in(const fs::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& d : fs::directory_iterator(dir, ec)) n += d.is_regular_file();
  return n;
}

// A private mail sink and a config file whose mail section points at it, under a fresh home.
class PrivateSink {
 public:
  explicit PrivateSink(const std::string& name) {
    ::unsetenv("YUQING_SMTP_URL");  // the config file below names the private sink
    home_ = fs::temp_directory_path() / ("yuqing-mail-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(home_);
    fs::create_directories(home_ / "configs");
    port_ = testing::free_port_block(1);
    env_ = "YUQING_VAR='" + (home_ / "var").string() + "' YUQING_SMTP_PORT=" + std::to_string(port_) + " " +
           fs::absolute("scripts/services.sh").string();
    config_file_ = home_ / "configs" / "pipeline.yaml";
    std::ofstream(config_file_) << "mail:\n  url: smtp://127.0.0.1:" << port_ << "\n  outbox_dir: " << (home_ / "outbox").string()
                                << "\n  timeout_ms: 5000\n  retry_base_ms: 200\n  retry_max_ms: 2000\n";
  }
  ~PrivateSink() {
    stop();
    fs::remove_all(home_);
  }
  bool start() { return shell(env_ + " start smtp >/dev/null") == 0; }
  void stop() { shell(env_ + " stop smtp >/dev/null"); }

  int port() const { return port_; }
  const fs::path& home() const { return home_; }
  const fs::path& config_file() const { return config_file_; }
  fs::path maildir() const { return home_ / "var" / "mail" / "inbox"; }
  std::size_t received() const { return files_in(maildir() / "new") + files_in(maildir() / "cur"); }

 private:
  fs::path home_, config_file_;
  int port_ = -1;
  std::string env_;
};

// A `yuqing mail ...` child process with its output appended to `log`.
class Yuqing {
 public:
  Yuqing(const fs::path& config, const fs::path& log, std::vector<std::string> args) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::unsetenv("YUQING_SMTP_URL");
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<std::string> all = {YUQING_BINARY, "--config", config.string(), "mail"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
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

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string run_output(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  ::pclose(f);
  return out;
}

}  // namespace

TEST(MailSink, TestCommandAndAHostileMessageArriveIntact) {
  PrivateSink sink("intact");
  ASSERT_GT(sink.port(), 0);
  ASSERT_TRUE(sink.start()) << "could not start a private aiosmtpd sink";
  const fs::path log = sink.home() / "mailer.log";

  // 1. `yuqing mail test` end to end.
  EXPECT_EQ(Yuqing(sink.config_file(), log, {"test", "--to", "办公室 <office@district.gov.cn>"}).wait(), 0) << read_file(log);

  // 2. A message built from hostile document text, through the library as the alert module uses it.
  const Config config = load_config(sink.config_file());
  mail::Outbox box = mail::Outbox::from_config(config);
  mail::Email e;
  e.from = config.mail.from;
  e.to = {"jianshe@district.gov.cn", "wenming@district.gov.cn"};
  const std::string title = "<script>alert(1)</script>\r\nBcc: x@example.com";
  e.subject = "舆情预警：" + title;
  e.text = "标题：" + title + "\n";
  e.html = "<p>标题：" + mail::html_escape(title) + "</p>";
  e.message_id = "alert-42";
  e.attachments = {{"舆情明细（运河街道）.csv", "text/csv", "id,标题\n1,加装电梯\n"}};
  ASSERT_TRUE(box.enqueue(e));
  mail::SmtpSender smtp(config.mail);
  mail::DeliverStats stats;
  ASSERT_TRUE(box.deliver(mail::smtp_sender(smtp), mail::now_millis(), 10, stats));
  EXPECT_EQ(stats.delivered, 2u) << stats.last_failure.to_string();

  const std::vector<testing::MailMessage> inbox = testing::read_maildir(sink.maildir());
  ASSERT_EQ(inbox.size(), 3u);
  std::map<std::string, const testing::MailMessage*> by_rcpt;
  for (const auto& m : inbox) by_rcpt[m.header("X-RcptTo")] = &m;

  const testing::MailMessage* t = by_rcpt["office@district.gov.cn"];
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->subject(), "yuqing 舆情监测 测试邮件 / test mail");
  EXPECT_EQ(t->header("X-MailFrom"), "yuqing@localhost");
  EXPECT_EQ(mail::decode_header_words(t->header("From")), "yuqing 舆情监测 <yuqing@localhost>");
  EXPECT_EQ(mail::decode_header_words(t->header("To")), "办公室 <office@district.gov.cn>");
  EXPECT_THAT(t->text, HasSubstr("这是一封测试邮件。"));
  EXPECT_THAT(t->html, HasSubstr("<p>这是一封测试邮件。</p>"));

  for (const char* rcpt : {"jianshe@district.gov.cn", "wenming@district.gov.cn"}) {
    SCOPED_TRACE(rcpt);
    const testing::MailMessage* m = by_rcpt[rcpt];
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->count("Bcc"), 0u);
    EXPECT_EQ(m->subject(), "舆情预警：<script>alert(1)</script> Bcc: x@example.com");
    EXPECT_EQ(m->message_id(), "alert-42@localhost");
    EXPECT_EQ(m->text, e.text);
    EXPECT_EQ(m->html, e.html);
    ASSERT_EQ(m->attachments.size(), 1u);
    EXPECT_EQ(m->attachments[0].filename, "舆情明细（运河街道）.csv");
    EXPECT_EQ(m->attachments[0].content_type, "text/csv");
    EXPECT_EQ(m->attachments[0].data, "id,标题\n1,加装电梯\n");
  }

  // 3. The operator's view.
  const std::string status =
      run_output("YUQING_SMTP_URL= " + std::string(YUQING_BINARY) + " --config " + sink.config_file().string() + " mail status");
  EXPECT_THAT(status, HasSubstr("pending    0"));
  EXPECT_THAT(status, HasSubstr("delivered  3"));

  // 4. Exit codes of the mailer's modes: (args, sink up, one new e-mail enqueued first) -> code.
  struct Case {
    const char* name;
    std::vector<std::string> args;
    bool sink_up;
    bool enqueue;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {"--idle-exit delivers, then leaves an empty outbox", {"flush", "--idle-exit", "1"}, true, true, 0},
      {"--once with nothing to do", {"flush", "--once"}, true, false, 0},
      {"--once while the sink is down keeps the copy and fails", {"flush", "--once"}, false, true, 1},
      {"test to a bad address is bad usage", {"test", "--to", "not an address"}, true, false, 2},
      {"--idle-exit waits out the outage and delivers the kept copy", {"flush", "--idle-exit", "1"}, true, false, 0},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    if (c.sink_up) {
      ASSERT_TRUE(sink.start());
    } else {
      sink.stop();
    }
    if (c.enqueue) {
      mail::Email more = e;
      more.to = {"extra@district.gov.cn"};
      more.message_id = "extra-" + std::to_string(n++);
      ASSERT_TRUE(box.enqueue(more));
    }
    const int status = Yuqing(sink.config_file(), log, c.args).wait();
    EXPECT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), c.exit_code) << read_file(log);
  }
  EXPECT_EQ(box.counts().pending, 0u);
  EXPECT_EQ(box.counts().delivered, 5u);
  EXPECT_EQ(testing::read_maildir(sink.maildir()).size(), 5u);
}

// The Status table of smtp.h against what libcurl really reports for real SMTP replies: an aiosmtpd
// server with a refusing handler (tests/integration/smtp_refusing.py).
TEST(SmtpReplies, RealRefusalsMapToStatusKinds) {
  const int port = testing::free_port_block(1);
  ASSERT_GT(port, 0);
  const pid_t server = ::fork();
  if (server == 0) {
    ::setenv("PYTHONPATH", fs::absolute("tests/integration").c_str(), 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c", "smtp_refusing.Refusing",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Stop {
    pid_t pid;
    ~Stop() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } stop{server};

  MailOptions options;
  options.url = "smtp://127.0.0.1:" + std::to_string(port);
  options.timeout_ms = 5000;
  mail::Email e;
  e.from = "yuqing@localhost";
  e.to = {"a@district.gov.cn"};
  e.text = "正文";
  const std::string ok_message = mail::render_mime(e, now_seconds());
  e.message_id = "REJECT-AFTER-DATA@localhost";  // bodies are base64: the marker goes in a header
  const std::string refused_message = mail::render_mime(e, now_seconds());
  {
    // Wait for the server to listen: a connection refused is retry_later, anything else is an answer.
    mail::SmtpSender probe(options);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (probe.send("yuqing@localhost", "a@district.gov.cn", ok_message).kind() == Status::Kind::retry_later &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(100ms);
  }

  struct Case {
    const char* name;
    std::string starttls, from, rcpt;
    bool refused_content;
    Status::Kind kind;
  };
  const std::vector<Case> cases = {
      {"accepted", "none", "yuqing@localhost", "a@district.gov.cn", false, Status::Kind::ok},
      {"550 to RCPT: this recipient never", "none", "yuqing@localhost", "unknown@district.gov.cn", false, Status::Kind::reject},
      {"451 to RCPT: later", "none", "yuqing@localhost", "busy@district.gov.cn", false, Status::Kind::retry_later},
      {"554 after DATA: this message never", "none", "yuqing@localhost", "a@district.gov.cn", true, Status::Kind::reject},
      {"553 to MAIL FROM: our sender is refused", "none", "blocked@localhost", "a@district.gov.cn", false, Status::Kind::fatal},
      {"STARTTLS required, server offers none", "required", "yuqing@localhost", "a@district.gov.cn", false, Status::Kind::fatal},
      {"STARTTLS try, server offers none: plain", "try", "yuqing@localhost", "a@district.gov.cn", false, Status::Kind::ok},
  };
  for (const Case& c : cases) {
    MailOptions o = options;
    o.starttls = c.starttls;
    mail::SmtpSender smtp(o);
    const Status s = smtp.send(c.from, c.rcpt, c.refused_content ? refused_message : ok_message);
    EXPECT_EQ(s.kind(), c.kind) << c.name << ": " << s.to_string();
    std::printf("%-45s -> %s\n", c.name, s.to_string().c_str());
    // The connection is reused for the next message: a refusal must not poison it.
    if (c.starttls != "required") {
      EXPECT_EQ(smtp.send("yuqing@localhost", "a@district.gov.cn", ok_message).kind(), Status::Kind::ok) << c.name;
    }
  }
}

TEST(MailSink, BurstSurvivesAKilledMailerAndTheSinkDownFor60s) {
  constexpr int kEmails = 40, kRecipients = 3;
  PrivateSink sink("burst");
  ASSERT_GT(sink.port(), 0);
  ASSERT_TRUE(sink.start()) << "could not start a private aiosmtpd sink";
  const Config config = load_config(sink.config_file());
  mail::Outbox box = mail::Outbox::from_config(config);
  const fs::path log = sink.home() / "mailer.log";

  // A burst of alerts, each mailed the way `alert run` mails it: one e-mail per recipient with its
  // own Message-ID (alerts/notify.h).
  const alerts::AlertsConfig routing = alerts::load_alerts_config("configs/alerts.yaml", "configs/issues.yaml");
  std::set<std::pair<std::string, std::string>> expected;
  auto enqueue = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      alerts::Alert a;
      a.id = alerts::make_alert_id("volume_spike", "老旧小区与棚户区改造|运河街道", 1792382400 + i * 3600);
      a.detector = "volume_spike";
      a.severity = alerts::Severity::major;
      a.issue = "老旧小区与棚户区改造";
      a.place = "运河街道";
      a.departments = {"运河街道", "区住房城乡建设局"};
      a.title = "第" + std::to_string(i) + "号：运河街道 老旧小区与棚户区改造 声量异常上升";
      a.summary = "过去24小时新增 " + std::to_string(i + 3) + " 个相关话题";
      a.fired_at = 1792382400 + i * 3600;
      for (int r = 0; r < kRecipients; ++r) {
        const std::string rcpt = "dept" + std::to_string(r) + "@district.gov.cn";
        const mail::Email e = alerts::alert_email(routing, a, rcpt, config.mail.from);
        int added = 0;
        ASSERT_TRUE(box.enqueue(e, now_seconds(), &added));
        ASSERT_EQ(added, 1);
        expected.insert({mail::message_id_of(e), rcpt});
      }
    }
  };
  // Copies the sink has stored whose entry is still pending (sent, but not known to be), with how
  // many copies the Maildir holds: each such entry is sent once more, so it ends with one more.
  auto in_doubt = [&] {
    std::map<std::pair<std::string, std::string>, int> out;
    for (const testing::MailMessage& m : testing::read_maildir(sink.maildir()))
      if (box.state(m.message_id(), m.header("X-RcptTo")) == mail::EntryState::pending)
        ++out[{m.message_id(), m.header("X-RcptTo")}];
    return out;
  };
  auto wait_until = [](auto done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return done();
  };

  // Wave 1 with the mailer running; SIGKILL it once a few copies are in, mid-stream.
  auto mailer = std::make_unique<Yuqing>(sink.config_file(), log, std::vector<std::string>{"flush"});
  enqueue(0, 10);
  EXPECT_TRUE(wait_until([&] { return sink.received() >= 5; }, 30s)) << read_file(log);
  mailer->stop(SIGKILL);
  std::this_thread::sleep_for(300ms);  // the sink finishes storing what it received
  const std::size_t at_kill = sink.received();
  const auto doubt_kill = in_doubt();
  mailer = std::make_unique<Yuqing>(sink.config_file(), log, std::vector<std::string>{"flush"});

  // Wave 2, then the sink goes away for 60 s while waves 3 and 4 arrive.
  enqueue(10, 20);
  std::this_thread::sleep_for(100ms);
  sink.stop();
  const auto down_at = std::chrono::steady_clock::now();
  const std::size_t at_stop = sink.received();
  enqueue(20, 30);
  std::this_thread::sleep_until(down_at + 30s);
  enqueue(30, 40);
  std::this_thread::sleep_until(down_at + 60s);
  const std::size_t pending_while_down = box.counts().pending;
  const auto doubt_stop = in_doubt();  // stable: nothing can be delivered while the sink is down
  ASSERT_TRUE(sink.start()) << "could not restart the sink";

  EXPECT_TRUE(wait_until([&] { return box.counts().pending == 0; }, 60s)) << read_file(log);
  const int status = mailer->stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM should end the mailer cleanly: " << status;

  std::map<std::pair<std::string, std::string>, int> copies;
  for (const testing::MailMessage& m : testing::read_maildir(sink.maildir())) {
    ++copies[{m.message_id(), m.header("X-RcptTo")}];
    EXPECT_EQ(m.header("X-MailFrom"), "yuqing@localhost");
    EXPECT_THAT(m.subject(), ::testing::StartsWith("[舆情预警·较大] 第"));
  }
  int missing = 0, duplicated = 0, unexpected = 0;
  for (const auto& key : expected) {
    const int n = copies.count(key) ? copies[key] : 0;
    // The last snapshot that saw the copy in doubt decides: a copy in doubt at the SIGKILL and
    // still pending when the sink stopped (the restarted mailer had not resent it yet) is one copy
    // in doubt, not two.
    int want = 1;
    if (doubt_stop.count(key))
      want = doubt_stop.at(key) + 1;
    else if (doubt_kill.count(key))
      want = doubt_kill.at(key) + 1;
    missing += n == 0;
    duplicated += n > 1;
    if (n != want) {
      ++unexpected;
      ADD_FAILURE() << key.first << " to " << key.second << ": " << n << " copies, expected " << want;
    }
  }
  const std::string log_text = read_file(log);
  std::printf(
      "mail burst: %zu copies expected, %zu distinct received, %d missing, %d duplicated (in doubt: %zu at the SIGKILL, "
      "%zu at the sink stop); %zu in the Maildir at the SIGKILL, %zu when the sink stopped, %zu pending after 60 s "
      "down\n",
      expected.size(), copies.size(), missing, duplicated, doubt_kill.size(), doubt_stop.size(), at_kill, at_stop,
      pending_while_down);
  EXPECT_EQ(expected.size(), std::size_t{kEmails * kRecipients});
  EXPECT_EQ(copies.size(), expected.size()) << "copies nobody enqueued arrived";
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(unexpected, 0) << "every copy once, an in-doubt copy twice";
  EXPECT_LE(doubt_kill.size(), 1u) << "one transaction in flight at a time";
  EXPECT_LE(doubt_stop.size(), 1u) << "one transaction in flight at a time";
  EXPECT_GT(pending_while_down, 0u) << "the outage did not hold anything back";
  EXPECT_THAT(log_text, HasSubstr("SMTP server unreachable"));
  EXPECT_EQ(box.counts().delivered, expected.size());
}

}  // namespace yuqing
