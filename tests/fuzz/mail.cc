// The e-mail builder (mail/message.h): lines of the input are from, to, subject, text, html,
// message id, attachment name, attachment type, and the rest its data. Contract checked: never
// throws; render_mime is 7-bit ASCII with CRLF line ends only, and its header block holds only the
// headers the builder writes (no header injection from any field); encoded subjects read back.
#include <set>

#include "mail/message.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto f = fuzz::fields(fuzz::bytes(data, size), 9);
  mail::Email email;
  email.from = f[0];
  email.to = {std::string(f[1]), "ops@example.org"};
  email.subject = f[2];
  email.text = f[3];
  email.html = f[4];
  email.message_id = f[5];
  if (!f[6].empty() || !f[8].empty()) email.attachments.push_back({std::string(f[6]), std::string(f[7]), std::string(f[8])});
  (void)mail::validate_email(email);
  const std::string m = mail::render_mime(email, 1718677800);

  for (size_t i = 0; i < m.size(); ++i) {
    const auto c = static_cast<unsigned char>(m[i]);
    if (c >= 0x80 || c == 0) fuzz::fail("non-ASCII byte in the message");
    if (c == '\n' && (i == 0 || m[i - 1] != '\r')) fuzz::fail("bare LF in the message");
    if (c == '\r' && (i + 1 >= m.size() || m[i + 1] != '\n')) fuzz::fail("bare CR in the message");
  }
  // Top-level headers: every line up to the first empty one starts a known header or folds.
  static const std::set<std::string, std::less<>> kHeaders = {
      "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
      "Content-Disposition"};
  size_t at = 0;
  while (at < m.size()) {
    const size_t eol = m.find("\r\n", at);
    const std::string_view line(m.data() + at, (eol == std::string::npos ? m.size() : eol) - at);
    if (line.empty()) break;
    if (line[0] != ' ' && line[0] != '\t') {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos || !kHeaders.count(line.substr(0, colon))) fuzz::fail("unexpected header line", line);
    }
    at = eol == std::string::npos ? m.size() : eol + 2;
  }

  const std::string clean = mail::sanitize_header_text(f[2]);
  if (mail::decode_header_words(mail::encode_header_words(clean, 9)) != clean) fuzz::fail("subject does not read back", clean);
  if (mail::base64_decode(mail::base64_encode(f[8])) != f[8]) fuzz::fail("base64 round trip");
  (void)mail::quoted_printable_decode(f[3]);
  (void)mail::html_escape(f[4]);
  return 0;
}
