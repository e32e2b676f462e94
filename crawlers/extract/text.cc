#include "crawlers/extract/text.h"

#include <cctype>

namespace yuqing::crawlers::text {
namespace {

bool is_cjk_lead(unsigned char c) { return c >= 0xE3 && c <= 0xE9; }  // U+3000..U+9FFF, 3 bytes

}  // namespace

void measure(std::string_view s, double& len, int& punct) {
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (!ws || !space) len += 1;
      space = ws;
      if (c == ',') ++punct;
      ++i;
      continue;
    }
    space = false;
    if (c >= 0xF0) {
      len += 2;
      i += 4;
    } else if (c >= 0xE0) {
      const std::string_view ch = s.substr(i, 3);
      // ， 、 。 ； ！ ？ (and the ideographic space, which is layout, not text)
      if (ch == "，" || ch == "、" || ch == "。" || ch == "；" || ch == "！" || ch == "？") ++punct;
      len += ch == "\u3000" ? 0 : is_cjk_lead(c) || c == 0xEF ? 2 : 1;
      i += 3;
    } else {
      len += c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0 ? 0 : 1;
      i += 2;
    }
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
  return contains_any<std::initializer_list<std::string_view>>(hay, needles);
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> tidy_lines(const std::string& raw) {
  std::vector<std::string> lines;
  std::string line;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    const bool nbsp = c == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0';
    const bool ideographic = raw.compare(i, 3, "\u3000") == 0;
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || nbsp || ideographic) {
      if (!line.empty() && line.back() != ' ') line += ' ';
      i += nbsp ? 1 : ideographic ? 2 : 0;
    } else {
      line += c;
    }
  }
  flush();
  return lines;
}

}  // namespace yuqing::crawlers::text
