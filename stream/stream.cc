#include "stream/stream.h"

#include <nlohmann/json.hpp>

namespace yuqing::stream {

std::string dead_letter_record(const Message& m, const Status& why, std::string_view stage) {
  const nlohmann::json j = {{"stage", stage},          {"error", why.to_string()}, {"topic", m.topic},
                            {"partition", m.partition}, {"offset", m.offset},       {"key", m.key},
                            {"value", m.value}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace yuqing::stream
