// Number and list formatting shared by the section writers (Chinese report conventions).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace yuqing::reports::sections {

inline std::string fixed(double v, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
inline std::string n(uint64_t v) { return std::to_string(v); }
inline std::string join(const std::vector<std::string>& v, const std::string& sep = "、", size_t max = 99) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? sep : "") + v[i];
  return out;
}
// Hours as "3.5 小时" below two days, else "4.2 天".
inline std::string duration(double hours) { return hours < 48 ? fixed(hours) + " 小时" : fixed(hours / 24) + " 天"; }

}  // namespace yuqing::reports::sections
