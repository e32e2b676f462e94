#include "mail/message.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "core/hash.h"

namespace yuqing::mail {
namespace {

constexpr std::size_t kMaxLine = 76;            // our own limit for every header and body line
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::size_t kWordOverhead = 12;       // "=?UTF-8?B?" + "?="

bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one.
std::size_t utf8_length(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string hex_byte(unsigned char b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  return {'%', kHex[b >> 4], kHex[b & 15]};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

// Base64 in lines of 76 characters joined by CRLF (no trailing CRLF).
std::string base64_lines(std::string_view data) {
  const std::string flat = base64_encode(data);
  std::string out;
  out.reserve(flat.size() + flat.size() / kMaxLine * 2 + 2);
  for (std::size_t i = 0; i < flat.size(); i += kMaxLine) {
    if (i) out += "\r\n";
    out.append(flat, i, kMaxLine);
  }
  return out;
}

// A "Name <addr>" or "addr" header value; the display name is always an encoded-word, the address
// only ever comes from a validated Mailbox.
std::string render_mailbox(const Mailbox& m, std::size_t used) {
  if (m.display.empty()) return m.address;
  std::string words = encode_header_words(m.display, used);
  const auto last_line = words.rfind('\n');
  const std::size_t col = last_line == std::string::npos ? used + words.size() : words.size() - last_line - 1;
  return words + (col + 3 + m.address.size() > kMaxLine ? "\r\n <" : " <") + m.address + ">";
}

// "To: a, b, c" folded so that no line passes 76 characters where that is possible.
std::string render_address_list(const std::vector<Mailbox>& list, std::size_t used) {
  std::string out;
  std::size_t col = used;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string one = render_mailbox(list[i], col + (i ? 2 : 0));
    if (i) {
      const auto first_break = one.find('\r');
      const std::size_t first_len = first_break == std::string::npos ? one.size() : first_break;
      if (col + 2 + first_len > kMaxLine) {
        out += ",\r\n ";
        col = 1;
        one = render_mailbox(list[i], col);
      } else {
        out += ", ";
        col += 2;
      }
    }
    out += one;
    const auto last_line = one.rfind('\n');
    col = last_line == std::string::npos ? col + one.size() : one.size() - last_line - 1;
  }
  return out;
}

struct Part {
  std::string headers;  // each line ending in CRLF
  std::string body;     // no trailing CRLF
};

Part text_part(std::string_view subtype, std::string_view body) {
  return {"Content-Type: text/" + std::string(subtype) + "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n",
          base64_lines(body)};
}

std::string safe_content_type(std::string_view type) {
  const std::string t = trim(type);
  const auto slash = t.find('/');
  const auto token = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
    });
  };
  if (slash == std::string::npos || !token(std::string_view(t).substr(0, slash)) || !token(std::string_view(t).substr(slash + 1)))
    return "application/octet-stream";
  std::string lower = t;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.rfind("text/", 0) == 0 ? lower + "; charset=UTF-8" : lower;
}

// A file name without path separators, at most 200 bytes, never empty.
std::string safe_filename(std::string_view name) {
  std::string s = sanitize_header_text(name);
  for (char& c : s)
    if (c == '/' || c == '\\' || c == '"') c = '_';
  if (s.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
  }
  return s.empty() ? "attachment" : s;
}

// RFC 2231 filename*= parameter, split into continuations of at most 60 characters.
std::string rfc2231_filename(std::string_view name) {
  std::string encoded = "UTF-8''";
  std::vector<std::string> chunks;
  for (unsigned char c : name) {
    std::string piece = (std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
                            ? std::string(1, static_cast<char>(c))
                            : hex_byte(c);
    if (encoded.size() + piece.size() > 60) {
      chunks.push_back(encoded);
      encoded.clear();
    }
    encoded += piece;
  }
  chunks.push_back(encoded);
  if (chunks.size() == 1) return "\r\n filename*=" + chunks[0];
  std::string out;
  for (std::size_t i = 0; i < chunks.size(); ++i)
    out += (i ? ";\r\n" : "\r\n") + std::string(" filename*") + std::to_string(i) + "*=" + chunks[i];
  return out;
}

Part attachment_part(const Attachment& a) {
  const std::string name = safe_filename(a.filename);
  std::string words = encode_header_words(name, 0);
  // Older clients read name= in Content-Type; encoded-words there are a widespread convention.
  std::string name_param;
  for (char c : words)
    if (c != '\r' && c != '\n') name_param += c;
  Part p;
  p.headers = "Content-Type: " + safe_content_type(a.content_type) + ";\r\n name=\"" + name_param + "\"\r\n" +
              "Content-Disposition: attachment;" + rfc2231_filename(name) + "\r\n" +
              "Content-Transfer-Encoding: base64\r\n";
  p.body = base64_lines(a.data);
  return p;
}

bool collides(const std::vector<Part>& parts, const std::string& boundary) {
  const std::string delimiter = "--" + boundary;
  for (const Part& p : parts)
    if (p.headers.find(delimiter) != std::string::npos || p.body.find(delimiter) != std::string::npos) return true;
  return false;
}

// A boundary derived from the content (same Email, same bytes) that occurs in no part.
std::string make_boundary(const std::vector<Part>& parts, std::string_view salt) {
  std::string seed(salt);
  for (const Part& p : parts) seed += fingerprint(p.headers + p.body);
  for (int n = 0;; ++n) {
    std::string b = "=_yuqing_" + fingerprint(seed + std::to_string(n));
    if (!collides(parts, b)) return b;
  }
}

Part multipart(std::string_view subtype, const std::vector<Part>& parts) {
  const std::string boundary = make_boundary(parts, subtype);
  Part m;
  m.headers = "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + boundary + "\"\r\n";
  for (const Part& p : parts) m.body += "--" + boundary + "\r\n" + p.headers + "\r\n" + p.body + "\r\n";
  m.body += "--" + boundary + "--";
  return m;
}

}  // namespace

bool valid_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local)
    if (!is_atext(c) && c != '.') return false;
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Status parse_mailbox(std::string_view text, Mailbox& out) {
  out = {};
  const std::string t = trim(text);
  std::string address = t;
  const auto lt = t.rfind('<');
  if (!t.empty() && t.back() == '>' && lt != std::string::npos) {
    address = trim(std::string_view(t).substr(lt + 1, t.size() - lt - 2));
    std::string display = trim(std::string_view(t).substr(0, lt));
    if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < display.size(); ++i) {
        if (display[i] == '\\' && i + 2 < display.size()) ++i;
        unquoted += display[i];
      }
      display = unquoted;
    }
    out.display = sanitize_header_text(display);
  }
  if (!valid_address(address)) {
    // Printed with control characters escaped: the message goes to a log line.
    std::string shown;
    for (unsigned char c : std::string_view(text).substr(0, 200)) shown += c < 0x20 || c == 0x7f ? hex_byte(c) : std::string(1, char(c));
    return Status::invalid("not a valid e-mail address: '" + shown + "'");
  }
  out.address = address;
  return Status::ok();
}

std::string normalize_message_id(std::string_view id, std::string_view from_address) {
  std::string s = trim(id);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 200) return {};
  for (char c : s)
    if (!is_atext(c) && c != '.' && c != '@') return {};
  const auto at = s.find('@');
  if (at == std::string::npos) {
    const std::string domain = domain_of(from_address);
    return domain.empty() ? std::string() : s + "@" + domain;
  }
  if (at == 0 || at + 1 == s.size() || s.find('@', at + 1) != std::string::npos) return {};
  return s;
}

Status validate_email(const Email& email) {
  Mailbox m;
  if (Status s = parse_mailbox(email.from, m); !s) return Status::invalid("from: " + s.message());
  if (email.to.empty()) return Status::invalid("the e-mail has no recipient");
  for (const std::string& to : email.to) {
    Mailbox r;
    if (Status s = parse_mailbox(to, r); !s) return Status::invalid("to: " + s.message());
  }
  if (!email.message_id.empty() && normalize_message_id(email.message_id, m.address).empty())
    return Status::invalid("not a valid Message-ID: '" + sanitize_header_text(email.message_id.substr(0, 200)) + "'");
  return Status::ok();
}

std::string message_id_of(const Email& email) {
  Mailbox from;
  parse_mailbox(email.from, from).ignore();  // an unreadable From leaves the address empty: the id still works
  if (!email.message_id.empty()) return normalize_message_id(email.message_id, from.address);
  std::string seed = email.from + '\n' + email.subject + '\n' + email.text + '\n' + email.html;
  for (const auto& to : email.to) seed += '\n' + to;
  for (const auto& a : email.attachments) seed += '\n' + a.filename + '\n' + fingerprint(a.data);
  const std::string domain = domain_of(from.address);
  return fingerprint(seed) + "@" + (domain.empty() ? "yuqing.invalid" : domain);
}

std::string sanitize_header_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = true;  // drops leading spaces and collapses runs
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t n = utf8_length(text, i, cp);
    // C0/C1 controls, DEL and the Unicode line/paragraph separators all end up as a space.
    const bool control = n == 1 ? (cp < 0x20 || cp == 0x7f) : (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      space = false;
      i += 1;
      continue;
    }
    if (control || cp == ' ') {
      if (!space) out += ' ';
      space = true;
      i += n;
      continue;
    }
    out.append(text.substr(i, n));
    space = false;
    i += n;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string encode_header_words(std::string_view utf8, std::size_t first_line_used) {
  const std::string text = sanitize_header_text(utf8);
  if (text.empty()) return {};
  std::string out;
  // RFC 2047 caps an encoded-word at 75 characters; a continuation line starts with one space.
  std::size_t budget = std::min<std::size_t>(kMaxLine - 1, kMaxLine > first_line_used ? kMaxLine - first_line_used : 0);
  // Too little room left on the first line for a useful word: start on a continuation line.
  if (budget < kWordOverhead + 8) {
    out = "\r\n ";
    budget = kMaxLine - 1;
  }
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t max_bytes = (budget - kWordOverhead) / 4 * 3;
    std::size_t end = i;
    while (end < text.size()) {
      char32_t cp;
      const std::size_t n = std::max<std::size_t>(1, utf8_length(text, end, cp));
      if (end + n - i > max_bytes) break;
      end += n;
    }
    if (end == i) end = i + 1;  // unreachable with a sane budget; guarantees progress
    if (i > 0) out += "\r\n ";
    out += std::string(kWordStart) + base64_encode(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
    budget = kMaxLine - 1;
  }
  return out;
}

std::string decode_header_words(std::string_view value) {
  // Unfold: CRLF (or LF) followed by whitespace is just the whitespace.
  std::string v;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') continue;
    if (value[i] == '\n') continue;
    v += value[i];
  }
  std::string out, pending_space;
  bool last_was_word = false;
  std::size_t i = 0;
  while (i < v.size()) {
    if (v.compare(i, 2, "=?") == 0) {
      const auto q1 = v.find('?', i + 2);
      const auto q2 = q1 == std::string::npos ? q1 : v.find('?', q1 + 1);
      const auto end = q2 == std::string::npos ? q2 : v.find("?=", q2 + 1);
      if (end != std::string::npos && q2 == q1 + 2) {
        const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(v[q1 + 1])));
        const std::string payload = v.substr(q2 + 1, end - q2 - 1);
        std::string decoded;
        if (enc == 'B') {
          decoded = base64_decode(payload);
        } else if (enc == 'Q') {
          std::string qp = payload;
          std::replace(qp.begin(), qp.end(), '_', ' ');
          decoded = quoted_printable_decode(qp);
        }
        if (enc == 'B' || enc == 'Q') {
          if (!last_was_word) out += pending_space;  // space between two words is dropped (RFC 2047 §6.2)
          pending_space.clear();
          out += decoded;
          last_was_word = true;
          i = end + 2;
          continue;
        }
      }
    }
    if (v[i] == ' ' || v[i] == '\t') {
      pending_space += v[i];
      ++i;
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += v[i];
    last_was_word = false;
    ++i;
  }
  return out + pending_space;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) break;
    clean += c;
  }
  std::size_t padding = 0;
  while (!clean.empty() && clean.back() == '=') {
    clean.pop_back();
    ++padding;
  }
  // EVP_DecodeBlock wants whole quanta and reports padding as zero bytes: pad, then cut.
  padding = (4 - clean.size() % 4) % 4;
  clean.append(padding, '=');
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(padding, static_cast<std::size_t>(n)));
  return out;
}

std::string quoted_printable_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\n') {  // soft line break
      i += 1;
    } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

std::string render_mime(const Email& email, UnixSeconds date) {
  Mailbox from;
  const bool from_ok = static_cast<bool>(parse_mailbox(email.from, from));
  std::vector<Mailbox> to;
  for (const std::string& r : email.to) {
    Mailbox m;
    if (parse_mailbox(r, m)) to.push_back(std::move(m));
  }

  std::vector<Part> alternatives;
  if (!email.text.empty() || email.html.empty()) alternatives.push_back(text_part("plain", email.text));
  if (!email.html.empty()) alternatives.push_back(text_part("html", email.html));
  Part body = alternatives.size() == 1 ? alternatives[0] : multipart("alternative", alternatives);
  if (!email.attachments.empty()) {
    std::vector<Part> parts{body};
    for (const Attachment& a : email.attachments) parts.push_back(attachment_part(a));
    body = multipart("mixed", parts);
  }

  std::string m;
  m += "Date: " + format_rfc5322(date) + "\r\n";
  if (from_ok) m += "From: " + render_mailbox(from, 6) + "\r\n";
  if (!to.empty()) m += "To: " + render_address_list(to, 4) + "\r\n";
  m += "Subject: " + encode_header_words(email.subject, 9) + "\r\n";
  if (const std::string id = message_id_of(email); !id.empty()) m += "Message-ID: <" + id + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += body.headers;
  m += "\r\n";
  m += body.body;
  m += "\r\n";
  return m;
}

}  // namespace yuqing::mail
