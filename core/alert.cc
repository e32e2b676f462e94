#include "core/alert.h"

#include <array>
#include <string>

#include "core/hash.h"

namespace yuqing::alerts {

namespace {
constexpr std::array<const char*, 3> kSeverityNames = {"general", "major", "critical"};
constexpr std::array<const char*, 3> kSeverityLabels = {"一般", "较大", "重大"};
constexpr std::array<const char*, 3> kStatusNames = {"open", "acknowledged", "closed"};
constexpr std::array<const char*, 3> kStatusLabels = {"待处理", "已确认", "已关闭"};
}  // namespace

const char* to_string(Severity s) { return kSeverityNames[size_t(s)]; }
const char* chinese_label(Severity s) { return kSeverityLabels[size_t(s)]; }
std::optional<Severity> severity_from_string(std::string_view s) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i)
    if (s == kSeverityNames[i] || s == kSeverityLabels[i]) return Severity(i);
  return std::nullopt;
}

const char* to_string(AlertStatus s) { return kStatusNames[size_t(s)]; }
const char* chinese_label(AlertStatus s) { return kStatusLabels[size_t(s)]; }
std::optional<AlertStatus> alert_status_from_string(std::string_view s) {
  for (size_t i = 0; i < kStatusNames.size(); ++i)
    if (s == kStatusNames[i] || s == kStatusLabels[i]) return AlertStatus(i);
  return std::nullopt;
}

std::string make_alert_id(std::string_view detector, std::string_view key, UnixSeconds concern_start) {
  std::string material(detector);
  material += '\x1f';
  material += key;
  material += '\x1f';
  material += std::to_string(concern_start);
  return fingerprint(material);
}

}  // namespace yuqing::alerts
