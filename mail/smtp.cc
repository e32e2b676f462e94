#include "mail/smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace yuqing::mail {
namespace {

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, u->data.size() - u->offset);
  std::memcpy(buffer, u->data.data() + u->offset, n);
  u->offset += n;
  return n;
}

// The server's replies are not needed (the status carries the code); curl would print them.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

CURL* easy(void* p) { return static_cast<CURL*>(p); }

}  // namespace

Status classify_smtp(int curl_code, long smtp_code, std::string_view detail) {
  const auto code = static_cast<CURLcode>(curl_code);
  if (code == CURLE_OK) return Status::ok();
  std::string what = std::string(detail.empty() ? curl_easy_strerror(code) : detail);
  if (smtp_code > 0) what += " (SMTP " + std::to_string(smtp_code) + ")";

  // Authentication first: curl reports it as its own code, servers as 530/534/535/538.
  if (code == CURLE_LOGIN_DENIED || code == CURLE_AUTH_ERROR || smtp_code == 530 || smtp_code == 534 ||
      smtp_code == 535 || smtp_code == 538)
    return Status::fatal("SMTP authentication failed: " + what);
  if (code == CURLE_USE_SSL_FAILED || code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
    return Status::fatal("SMTP TLS: " + what);
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL)
    return Status::invalid("SMTP url: " + what);

  if (smtp_code >= 500 && smtp_code < 600) {
    // Our sender refused: no message can get through until the configuration changes.
    if (detail.rfind("MAIL failed", 0) == 0) return Status::fatal("SMTP server refused the sender: " + what);
    return Status::reject("SMTP server refused the message for this recipient: " + what);
  }
  if (smtp_code >= 400 && smtp_code < 500) return Status::retry_later("SMTP server busy: " + what);
  // Everything else is the network or a server that went away mid-session: connection refused or
  // reset, timeouts, nothing or garbage received, TLS handshake interrupted.
  return Status::retry_later("SMTP server unreachable: " + what);
}

SmtpSender::SmtpSender(MailOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

SmtpSender::~SmtpSender() {
  if (curl_) curl_easy_cleanup(easy(curl_));
}

Status SmtpSender::send(std::string_view from, std::string_view rcpt, std::string_view message) {
  if (!curl_) return Status::fatal("curl_easy_init failed");
  CURL* c = easy(curl_);
  // Reset per message but keep the handle: its connection cache survives curl_easy_reset, so the
  // next message reuses the open SMTP session.
  curl_easy_reset(c);
  char error[CURL_ERROR_SIZE] = "";
  Upload upload{message};
  const std::string mail_from = "<" + std::string(from) + ">";
  const std::string rcpt_to = "<" + std::string(rcpt) + ">";
  curl_slist* rcpts = curl_slist_append(nullptr, rcpt_to.c_str());

  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  const long use_ssl = options_.starttls == "required" ? CURLUSESSL_ALL
                       : options_.starttls == "try"    ? CURLUSESSL_TRY
                                                       : CURLUSESSL_NONE;
  curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  long smtp_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
  curl_slist_free_all(rcpts);
  return classify_smtp(rc, smtp_code, error);
}

}  // namespace yuqing::mail
