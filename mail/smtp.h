// SMTP adapter: hands one rendered message to one recipient through libcurl.
//
// Contract
// - send() runs one SMTP transaction (MAIL FROM, one RCPT TO, DATA) and returns when the server
//   answered the end of DATA: ok means the server took responsibility for the message. Nothing is
//   retried here; the outbox decides, by Status kind. The translation of curl codes and SMTP reply
//   codes lives in classify_smtp() only:
//     retry_later - connection refused/reset, timeouts, no or garbled reply, 4xx (421 service not
//                   available, 450/451/452 mailbox busy, local error, out of storage)
//     reject      - a permanent 5xx for this recipient (550 no such user, 552, 553, 554 ...): the
//                   same bytes to the same address will never be accepted
//     fatal       - authentication failures (curl's login denied, 530/534/535/538), a 5xx to
//                   MAIL FROM (our sender address is refused: every message would fail), TLS
//                   required but impossible or the peer not verified
//     invalid     - the configured URL is not usable
// - One recipient per transaction, so each recipient's copy is its own message and a refusal of
//   one address never holds back another's copy.
// - TLS: smtps:// is implicit TLS; with smtp://, options.starttls none|try|required maps to
//   CURLOPT_USE_SSL (CURLUSESSL_NONE|TRY|ALL). Certificates are verified against the system store.
//   Credentials (options.user/password) go in SMTP AUTH, never in the URL.
// - One SmtpSender per thread: it owns a curl easy handle and reuses its connection between
//   messages (a new transaction on the same session).
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"

namespace yuqing::mail {

class SmtpSender {
 public:
  explicit SmtpSender(MailOptions options);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // `from` and `rcpt` are bare addresses (user@host); `message` is render_mime()'s output.
  Status send(std::string_view from, std::string_view rcpt, std::string_view message);

  const MailOptions& options() const { return options_; }

 private:
  MailOptions options_;
  void* curl_ = nullptr;
};

// The one translation of a finished transfer: curl's result code, the last SMTP reply code
// (CURLINFO_RESPONSE_CODE, 0 when none) and curl's error text (it names the failed command, e.g.
// "RCPT failed: 550"). Exposed for tests of the table above.
Status classify_smtp(int curl_code, long smtp_code, std::string_view detail);

}  // namespace yuqing::mail
