#include "core/config_table.h"

#include <charconv>
#include <cstdio>

namespace yuqing {

std::string yaml_quote(const std::string& s) {
  // Plain only for a conservative alphabet (addresses, paths, names); everything else is quoted,
  // as are the words YAML reads as booleans or null.
  bool plain = !s.empty() && s.front() != '-' && s.front() != ':' && s.back() != ':';
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/' ||
                    c == '_' || c == '-' || c == '@' || c == ':' || c == '+';
    if (!ok) plain = false;
  }
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "null", "True", "False", "Yes", "No", "On", "Off", "Null",
                           "TRUE", "FALSE", "YES", "NO", "ON", "OFF", "NULL", "y", "n", "Y", "N"})
    if (s == word) plain = false;
  if (plain) return s;
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string number_text(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

}  // namespace yuqing
