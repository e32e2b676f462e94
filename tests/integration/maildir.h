// Reading e-mail back in tests: a Maildir written by the aiosmtpd sink (scripts/services.sh
// start smtp) or a single rendered message (mail::render_mime's bytes).
//
// Enough MIME for our own messages and what aiosmtpd makes of them (it re-serialises with LF line
// ends and adds X-MailFrom, X-RcptTo and X-Peer): headers unfolded, RFC 2047 subjects decoded,
// multipart walked recursively, base64 and quoted-printable bodies decoded, RFC 2231 file names
// (continuations included) decoded. Not a general mail parser: charsets are taken as UTF-8.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yuqing::testing {

struct MailPart {
  std::string content_type;  // lower case, without parameters, e.g. "text/csv"
  std::string filename;      // decoded (RFC 2231 or RFC 2047), empty for inline parts
  std::string data;          // decoded bytes
};

struct MailMessage {
  std::filesystem::path file;                                 // empty when parsed from bytes
  std::vector<std::pair<std::string, std::string>> headers;   // top-level, unfolded, in order, raw values
  std::string content_type;                                   // of the whole message, lower case, no parameters
  std::string text;                                           // the first text/plain part that is not an attachment
  std::string html;                                           // the first text/html part that is not an attachment
  std::vector<MailPart> attachments;

  // First header of that name (case-insensitive), raw and unfolded; "" when absent.
  std::string header(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  std::string subject() const;     // RFC 2047 decoded
  std::string message_id() const;  // without angle brackets
};

MailMessage parse_mail(std::string_view raw);

// Every message in the Maildir's new/ and cur/, ordered by file name.
std::vector<MailMessage> read_maildir(const std::filesystem::path& maildir);

}  // namespace yuqing::testing
