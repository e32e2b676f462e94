// Reading a ClickHouse JSONEachRow answer row by row (the alerts' fact source and the alerts table).
// A row that is not JSON, or that `read` cannot use (a missing or mistyped field throws
// nlohmann::json::exception), is a fatal Status naming `what`: the schema and the code disagree.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace yuqing::clickhouse {

template <typename Read>
Status for_each_json_row(std::string_view body, const char* what, Read read) {
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    if (end > start) {
      const auto row = nlohmann::json::parse(body.substr(start, end - start), nullptr, false);
      if (row.is_discarded()) return Status::fatal(std::string("clickhouse: unreadable ") + what + " row from ClickHouse");
      try {
        read(row);
      } catch (const nlohmann::json::exception& e) {
        return Status::fatal(std::string("clickhouse: unexpected ") + what + " row from ClickHouse: " + e.what());
      }
    }
    start = end + 1;
  }
  return Status::ok();
}

}  // namespace yuqing::clickhouse
