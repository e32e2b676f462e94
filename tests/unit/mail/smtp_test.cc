// The one translation of curl and SMTP errors into Status kinds, and the mail section of the
// configuration. The real server conversation is tested in integration/mail_test.cc.
#include "mail/smtp.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "mail/message.h"

namespace yuqing::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Kind = Status::Kind;

TEST(ClassifySmtp, TableOfCases) {
  struct Case {
    CURLcode curl;
    long smtp;
    const char* detail;
    Kind kind;
  };
  const std::vector<Case> cases = {
      {CURLE_OK, 250, "", Kind::ok},
      {CURLE_COULDNT_CONNECT, 0, "Failed to connect to 127.0.0.1 port 1: Connection refused", Kind::retry_later},
      {CURLE_OPERATION_TIMEDOUT, 0, "Operation timed out", Kind::retry_later},
      {CURLE_GOT_NOTHING, 0, "", Kind::retry_later},
      {CURLE_RECV_ERROR, 0, "Connection reset by peer", Kind::retry_later},
      {CURLE_WEIRD_SERVER_REPLY, 421, "Got unexpected smtp-server response: 421", Kind::retry_later},
      {CURLE_SEND_ERROR, 451, "RCPT failed: 451", Kind::retry_later},
      {CURLE_SEND_ERROR, 452, "MAIL failed: 452", Kind::retry_later},
      {CURLE_SEND_ERROR, 550, "RCPT failed: 550", Kind::reject},
      {CURLE_SEND_ERROR, 553, "RCPT failed: 553", Kind::reject},
      {CURLE_WEIRD_SERVER_REPLY, 554, "", Kind::reject},  // refused after DATA
      {CURLE_SEND_ERROR, 553, "MAIL failed: 553", Kind::fatal},  // our sender refused: every message fails
      {CURLE_LOGIN_DENIED, 535, "Login denied", Kind::fatal},
      {CURLE_LOGIN_DENIED, 0, "Login denied", Kind::fatal},
      {CURLE_SEND_ERROR, 530, "MAIL failed: 530", Kind::fatal},  // authentication required
      {CURLE_USE_SSL_FAILED, 0, "STARTTLS not supported.", Kind::fatal},
      {CURLE_PEER_FAILED_VERIFICATION, 0, "", Kind::fatal},
      {CURLE_URL_MALFORMAT, 0, "", Kind::invalid},
      {CURLE_UNSUPPORTED_PROTOCOL, 0, "", Kind::invalid},
  };
  for (const Case& c : cases) {
    const Status s = classify_smtp(c.curl, c.smtp, c.detail);
    EXPECT_EQ(s.kind(), c.kind) << c.curl << " " << c.smtp << " " << c.detail << " -> " << s.to_string();
    if (c.smtp >= 400) {
      EXPECT_THAT(s.message(), HasSubstr(std::to_string(c.smtp)));
    }
  }
}

// A port nobody listens on: bound, never listening, so connecting is refused.
TEST(SmtpSender, AClosedPortIsRetryLater) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  MailOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  o.timeout_ms = 2000;
  SmtpSender smtp(o);
  Email e;
  e.from = "yuqing@localhost";
  e.to = {"a@d.gov.cn"};
  const Status s = smtp.send("yuqing@localhost", "a@d.gov.cn", render_mime(e, 0));
  ::close(fd);
  EXPECT_EQ(s.kind(), Kind::retry_later) << s.to_string();
}

fs::path write_config(const std::string& yaml) {
  const fs::path home = fs::temp_directory_path() / ("yuqing-mail-config-test-" + std::to_string(::getpid()));
  fs::create_directories(home / "configs");
  std::ofstream(home / "configs" / "pipeline.yaml") << yaml;
  return home / "configs" / "pipeline.yaml";
}

std::string error_of(const std::string& yaml) {
  try {
    load_config(write_config(yaml));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MailConfig, TheShippedFileMatchesTheDefaults) {
  ::unsetenv("YUQING_SMTP_URL");
  const Config c = load_config("configs/pipeline.yaml");
  const MailOptions d;
  EXPECT_EQ(c.mail.url, d.url);
  EXPECT_EQ(c.mail.from, d.from);
  EXPECT_EQ(c.mail.starttls, d.starttls);
  EXPECT_EQ(c.mail.user, d.user);
  EXPECT_EQ(c.mail.password_file, d.password_file);
  EXPECT_EQ(c.mail.outbox_dir, d.outbox_dir);
  EXPECT_EQ(c.mail.timeout_ms, d.timeout_ms);
  EXPECT_EQ(c.mail.retry_base_ms, d.retry_base_ms);
  EXPECT_EQ(c.mail.retry_max_ms, d.retry_max_ms);
  Mailbox from;
  EXPECT_TRUE(parse_mailbox(c.mail.from, from));
}

TEST(MailConfig, BadValuesNameTheirYamlPath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mail:\n  url: http://mail\n", "mail.url"},
      {"mail:\n  starttls: always\n", "mail.starttls"},
      {"mail:\n  password: hunter2\n", "mail.password"},
      {"mail:\n  from: nobody\n", "mail.from"},
      {"mail:\n  timeout_ms: 1\n", "mail.timeout_ms"},
      {"mail:\n  retry_base_ms: 5000\n  retry_max_ms: 1000\n", "mail.retry_max_ms"},
      {"mail:\n  outbox: var/x\n", "mail.outbox"},
  };
  for (const auto& [yaml, path] : cases) EXPECT_THAT(error_of(yaml), HasSubstr(path)) << yaml;
  fs::remove_all(write_config("").parent_path().parent_path());
}

TEST(MailConfig, TheEnvironmentWinsForUrlAndPassword) {
  const fs::path file = write_config("mail:\n  url: smtp://file:25\n  password_file: var/smtp.password\n");
  fs::create_directories(file.parent_path().parent_path() / "var");
  std::ofstream(file.parent_path().parent_path() / "var" / "smtp.password") << "from-file\n";
  fs::permissions(file.parent_path().parent_path() / "var" / "smtp.password", fs::perms::owner_read | fs::perms::owner_write);
  ::unsetenv("YUQING_SMTP_URL");
  ::unsetenv("YUQING_SMTP_PASSWORD");
  EXPECT_EQ(load_config(file).mail.url, "smtp://file:25");
  EXPECT_EQ(load_config(file).mail.password, "from-file");
  ::setenv("YUQING_SMTP_URL", "smtp://env:2525", 1);
  ::setenv("YUQING_SMTP_PASSWORD", "from-env", 1);
  EXPECT_EQ(load_config(file).mail.url, "smtp://env:2525");
  EXPECT_EQ(load_config(file).mail.password, "from-env");
  ::unsetenv("YUQING_SMTP_URL");
  ::unsetenv("YUQING_SMTP_PASSWORD");
  fs::remove_all(file.parent_path().parent_path());
}

}  // namespace
}  // namespace yuqing::mail
