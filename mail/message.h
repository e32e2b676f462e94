// Mail message: an Email value and its rendering as RFC 5322 / MIME bytes.
//
// Contract
// - render_mime() turns an Email into the exact bytes handed to the SMTP server: CRLF line ends,
//   7-bit ASCII only (headers as RFC 2047 UTF-8 encoded-words, every body part base64), so no
//   server or relay can mangle it and SMTP dot-stuffing never meets a user's line.
// - Header values come from document text that may be hostile (a title of a crawled page ends up
//   in a Subject). Nothing a caller passes can add a header: control characters (CR and LF
//   included) become spaces before a value is encoded, and display names and subjects are always
//   encoded-words. Addresses are never encoded, so they must pass validate_email() first;
//   render_mime() leaves out any address that does not (defence in depth, not the API).
// - Layout: multipart/alternative (text/plain + text/html) when both bodies are given, a single
//   part otherwise; wrapped in multipart/mixed when there are attachments. Attachment file names
//   use RFC 2231 (filename*=UTF-8''...) with an RFC 2047 name= for older clients.
// - Boundaries derive from a hash of the content and are checked against every part, so the same
//   Email renders to the same bytes (outbox retries resend identical messages).
// - Only the decoding helpers needed to read our own messages back (tests, the Maildir reader)
//   are provided; this is not a general MIME parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace yuqing::mail {

struct Attachment {
  std::string filename;      // UTF-8, e.g. "舆情周报.csv"; path separators are dropped
  std::string content_type;  // "type/subtype"; anything else becomes application/octet-stream
  std::string data;          // raw bytes
};

struct Email {
  std::string from;              // "Display Name <user@host>" or "user@host"
  std::vector<std::string> to;   // same forms; each one gets its own copy (see outbox.h)
  std::string subject;           // UTF-8, any text: sanitised and encoded here
  std::string text;              // text/plain body, UTF-8
  std::string html;              // text/html body, UTF-8; build it with html_escape()
  std::string message_id;        // "left@right" (angle brackets optional); stable ids make enqueue idempotent
  std::vector<Attachment> attachments;
};

struct Mailbox {
  std::string display;  // sanitised display name, may be empty
  std::string address;  // addr-spec, validated
};

// Splits "Name <user@host>" / "user@host" and validates the address; invalid names the input.
Status parse_mailbox(std::string_view text, Mailbox& out);
// A dot-atom addr-spec with a DNS-style domain, ASCII only (no SMTPUTF8), at most 254 bytes.
bool valid_address(std::string_view address);
// Checks from, every recipient (at least one), and the message id; invalid names the bad value.
Status validate_email(const Email& email);
// "left@right" without brackets; a missing right part is taken from `from`'s domain. Empty when
// the id holds characters a Message-ID may not.
std::string normalize_message_id(std::string_view id, std::string_view from_address);
// The id the message is sent with: the normalized message_id, or, when the caller gave none, one
// derived from a hash of the content (so the same Email always gets the same id).
std::string message_id_of(const Email& email);

// RFC 5322 bytes with CRLF line ends. `date` is rendered in the district's local time (core/time.h,
// +0800 by default).
std::string render_mime(const Email& email, UnixSeconds date);

// Header text made safe: every control character (CR, LF, TAB, NUL, DEL...) becomes a space, runs
// of spaces collapse, ends are trimmed, invalid UTF-8 bytes become U+FFFD.
std::string sanitize_header_text(std::string_view text);
// RFC 2047 "=?UTF-8?B?...?=" words folded with CRLF SP; no line is longer than 76 characters when
// the first starts after `first_line_used` characters (e.g. strlen("Subject: ")).
std::string encode_header_words(std::string_view utf8, std::size_t first_line_used);
// The reverse for headers we (or aiosmtpd) wrote: decodes B and Q encoded-words (charset taken as
// UTF-8/ASCII), drops the whitespace between adjacent words, unfolds CRLF SP.
std::string decode_header_words(std::string_view header_value);

// & < > " ' as entities: every piece of document text that goes into an HTML body passes here.
std::string html_escape(std::string_view text);

std::string base64_encode(std::string_view data);
// Ignores whitespace and line breaks; stops at the first character outside the alphabet.
std::string base64_decode(std::string_view text);
std::string quoted_printable_decode(std::string_view text);

}  // namespace yuqing::mail
