// yuqing mail: the mailer process and its operator commands over the persisted outbox (mail/outbox.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/command.h"
#include "core/shutdown.h"
#include "core/time.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

namespace yuqing::cli {
namespace {

using mail::UnixMillis;

// Sleeps up to `ms`, waking early for SIGTERM/SIGINT.
void nap(UnixMillis ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!shutdown_requested() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<UnixMillis>(ms, 100)));
}

std::string when(UnixMillis at, UnixMillis now) {
  if (at <= now) return "now";
  return format_iso8601(at / 1000) + " (in " + std::to_string((at - now + 999) / 1000) + " s)";
}

struct FlushRun {
  bool once = false;
  int idle_exit_s = -1;  // -1: run until stopped
};

int flush(const Config& c, const FlushRun& run) {
  constexpr int kBatch = 50;       // entries per pass: bounds the time between shutdown checks
  constexpr UnixMillis kPollMs = 1000;  // how soon new entries are noticed
  mail::Outbox box = mail::Outbox::from_config(c);
  mail::SmtpSender smtp(c.mail);
  const mail::Sender send = mail::smtp_sender(smtp);
  const mail::OutboxCounts start = box.counts();
  spdlog::info("mailer: outbox {} ({} pending, {} delivered), server {}", box.dir().string(), start.pending,
               start.delivered, c.mail.url);

  std::size_t delivered = 0, rejected = 0, retries = 0;
  UnixMillis server_backoff = 0;  // grows while the server refuses connections, reset by a delivery
  UnixMillis idle_since = mail::now_millis();
  Status failure;
  while (!shutdown_requested()) {
    mail::DeliverStats st;
    const Status s = box.deliver(send, mail::now_millis(), kBatch, st);
    delivered += st.delivered;
    rejected += st.rejected;
    retries += st.retried;
    if (!s && s.kind() != Status::Kind::retry_later) {
      failure = s;
      break;
    }
    const UnixMillis now = mail::now_millis();
    const mail::OutboxCounts n = box.counts();
    if (st.delivered) spdlog::info("mailer: {} delivered ({} in this run), {} pending", st.delivered, delivered, n.pending);
    if (st.rejected) spdlog::warn("mailer: {} copies refused for good (moved to failed/): {}", st.rejected, st.last_failure.to_string());

    if (!s || (st.retried && !st.delivered)) {
      server_backoff = server_backoff ? std::min<UnixMillis>(server_backoff * 2, c.mail.retry_max_ms) : c.mail.retry_base_ms;
      spdlog::warn("mailer: {}; {} pending, retrying in {} ms", s ? st.last_failure.to_string() : s.to_string(), n.pending,
                   server_backoff);
      if (run.once) break;
      nap(server_backoff);
      continue;
    }
    if (st.delivered) server_backoff = 0;
    if (n.pending > 0) idle_since = now;
    if (run.once && (st.attempted < static_cast<std::size_t>(kBatch))) break;
    if (n.pending == 0 && run.idle_exit_s >= 0 && now - idle_since >= UnixMillis{run.idle_exit_s} * 1000) {
      spdlog::info("mailer: outbox empty for {} s, exiting", run.idle_exit_s);
      break;
    }
    if (st.attempted == static_cast<std::size_t>(kBatch)) continue;  // more is due right now
    nap(n.pending ? std::clamp<UnixMillis>(n.next_attempt - now, 0, kPollMs) : kPollMs);
  }
  const mail::OutboxCounts end = box.counts();
  spdlog::info("mailer: {} delivered, {} refused, {} failed attempts in this run; {} pending, {} delivered in total",
               delivered, rejected, retries, end.pending, end.delivered);
  if (!failure.is_ok()) return report(failure, "mail flush");
  if (run.once && (end.pending > 0 || rejected > 0)) return 1;
  return 0;
}

int status(const Config& c) {
  const mail::Outbox box = mail::Outbox::from_config(c);
  const mail::OutboxCounts n = box.counts();
  const UnixMillis now = mail::now_millis();
  std::printf("outbox     %s\n", box.dir().c_str());
  std::printf("server     %s\n", c.mail.url.c_str());
  std::printf("pending    %zu (%zu failed attempts)\n", n.pending, n.failed_attempts);
  std::printf("delivered  %zu\n", n.delivered);
  std::printf("refused    %zu (failed/)\n", n.failed);
  if (n.pending) std::printf("next       %s\n", when(n.next_attempt, now).c_str());
  if (!n.last_error.empty()) std::printf("last error %s\n", n.last_error.c_str());
  return 0;
}

int send_test(const Config& c, const std::string& to, int wait_s) {
  mail::Email e;
  e.from = c.mail.from;
  e.to = {to};
  e.subject = "yuqing 舆情监测 测试邮件 / test mail";
  e.text = "这是一封测试邮件。\nThis is a test message from `yuqing mail test`: mail delivery works.\n";
  e.html = "<p>这是一封测试邮件。</p><p>This is a test message from <code>yuqing mail test</code>: mail delivery works.</p>";
  e.message_id = "test-" + std::to_string(mail::now_millis()) + "-" + std::to_string(::getpid());
  mail::Outbox box = mail::Outbox::from_config(c);
  if (Status s = box.enqueue(e); !s) return report(s, "mail test");
  mail::Mailbox rcpt;
  if (Status s = mail::parse_mailbox(to, rcpt); !s) return report(s, "mail test");
  const std::string id = mail::message_id_of(e);
  spdlog::info("mail test: enqueued <{}> for {}; delivering through {}", id, rcpt.address, c.mail.url);

  mail::SmtpSender smtp(c.mail);
  const mail::Sender send = mail::smtp_sender(smtp);
  const UnixMillis deadline = mail::now_millis() + UnixMillis{wait_s} * 1000;
  Status last;
  while (box.state(id, rcpt.address) == mail::EntryState::pending && mail::now_millis() < deadline && !shutdown_requested()) {
    mail::DeliverStats st;
    last = box.deliver(send, mail::now_millis(), 50, st);
    if (!last && last.kind() != Status::Kind::retry_later) return report(last, "mail test");
    if (!st.last_failure.is_ok()) last = st.last_failure;
    if (box.state(id, rcpt.address) == mail::EntryState::pending) nap(500);
  }
  switch (box.state(id, rcpt.address)) {
    case mail::EntryState::delivered:
      spdlog::info("mail test: delivered to {}", rcpt.address);
      return 0;
    case mail::EntryState::failed:
      spdlog::error("mail test: the server refused {}: {}", rcpt.address, last.to_string());
      return 1;
    default:
      spdlog::error("mail test: not delivered within {} s ({}); it stays in the outbox for `yuqing mail flush`", wait_s,
                    last.is_ok() ? "another mailer holds the outbox" : last.to_string());
      return 1;
  }
}

}  // namespace

void add_mail_command(CLI::App& app, Context& ctx) {
  auto* mail = app.add_subcommand(
      "mail",
      "E-mail to departments (alerts, weekly reports) through the persisted outbox and SMTP.\n"
      "Producers (alerts, reports) only enqueue into mail.outbox_dir; `yuqing mail flush` is the one\n"
      "process that sends, one SMTP transaction per recipient, retrying with back-off while the server\n"
      "is down. Delivery is at-least-once: each copy is sent once unless the mailer dies in the few\n"
      "milliseconds between the server's acceptance and the ledger entry (docs/ARCHITECTURE.md, Mail).\n\n"
      "Examples:\n"
      "  yuqing mail test --to you@example.com   check the SMTP settings with one message\n"
      "  yuqing mail flush                       run the mailer until stopped (SIGTERM/Ctrl-C)\n"
      "  yuqing mail flush --idle-exit 10        ... until the outbox has been empty for 10 s\n"
      "  yuqing mail flush --once                one sweep of what is due now (for cron)\n"
      "  yuqing mail status                      pending / delivered / next attempt\n\n"
      "Server: mail.url in the config or $YUQING_SMTP_URL (default smtp://127.0.0.1:12525, the local\n"
      "sink of scripts/services.sh, Maildir var/mail/inbox); password from $YUQING_SMTP_PASSWORD or\n"
      "mail.password_file. Exit codes: 0 ok, 1 the work failed, 2 bad usage or configuration.");
  mail->require_subcommand(1);

  auto* flush_cmd = mail->add_subcommand(
      "flush",
      "Deliver the outbox. Runs until stopped (SIGTERM finishes the message in hand, then exits 0),\n"
      "polling for new entries every second; while the server is unreachable it retries with doubling\n"
      "back-off (mail.retry_base_ms up to mail.retry_max_ms) and loses nothing. With --once: exits 1\n"
      "when copies are still pending afterwards or were refused.");
  auto run = std::make_shared<FlushRun>();  // outlives this function: the callback runs later
  flush_cmd->add_flag("--once", run->once, "one sweep over the entries due now, then exit");
  flush_cmd->add_option("--idle-exit", run->idle_exit_s, "exit once the outbox has had nothing pending for SECONDS")
      ->check(CLI::NonNegativeNumber);
  flush_cmd->callback([&ctx, run] { ctx.exit_code = flush(ctx.start("mail"), *run); });

  auto* status_cmd = mail->add_subcommand("status", "Print the outbox: pending, delivered, refused, next attempt, last error.");
  status_cmd->callback([&ctx] { ctx.exit_code = status(ctx.start("mail")); });

  auto* test_cmd = mail->add_subcommand(
      "test",
      "Enqueue one test message (Chinese and English, text and HTML) and deliver it now; exits 0 once\n"
      "the server accepted it. Other due entries of the outbox are delivered on the way.");
  auto to = std::make_shared<std::string>();
  auto wait_s = std::make_shared<int>(30);
  test_cmd->add_option("--to", *to, "recipient address, e.g. you@example.com or 'Name <you@example.com>'")->required();
  test_cmd->add_option("--wait", *wait_s, "give up after SECONDS while the server is unreachable")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  test_cmd->callback([&ctx, to, wait_s] { ctx.exit_code = send_test(ctx.start("mail"), *to, *wait_s); });
}

}  // namespace yuqing::cli
