// Small UTF-8 helpers shared by the taggers. Input is assumed to be valid UTF-8 (normalize_text
// guarantees it); a stray continuation byte is treated as a one-byte character, never read past.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yuqing::processors::utf8 {

// Length in bytes of the character starting with lead byte `c`.
inline size_t char_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// Decodes the character at `pos` and advances `pos` past it.
inline char32_t next(std::string_view s, size_t& pos) {
  const auto c = static_cast<unsigned char>(s[pos]);
  size_t n = char_len(c);
  if (pos + n > s.size()) n = 1;
  char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  pos += n;
  return cp;
}

inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

inline size_t count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The string split into characters (each a view into `s`).
inline std::vector<std::string_view> chars(std::string_view s) {
  std::vector<std::string_view> out;
  out.reserve(s.size() / 2);
  for (size_t pos = 0; pos < s.size();) {
    const size_t start = pos;
    next(s, pos);
    out.push_back(s.substr(start, pos - start));
  }
  return out;
}

inline bool is_cjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2FA1F) ||
         (cp >= 0xF900 && cp <= 0xFAFF);
}

// Emoji and pictographs (the ranges comments use); variation selectors and joiners are not emoji.
inline bool is_emoji(char32_t cp) {
  return (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x1F000 && cp <= 0x1F2FF);
}

}  // namespace yuqing::processors::utf8
