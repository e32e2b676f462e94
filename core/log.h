// Logging for operators: one line per event on stderr, "time level [stage] message", through spdlog.
// Stages log with spdlog::info(...) etc. after init_logging(); the level comes from --log-level or
// $YUQING_LOG_LEVEL (trace, debug, info, warn, error).
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace yuqing {

// Throws ConfigError naming --log-level or $YUQING_LOG_LEVEL for a level it does not know.
void init_logging(const std::string& stage, const std::string& level);

// "warn" -> spdlog::level::warn; `from` names where the text came from, for the ConfigError.
spdlog::level::level_enum parse_log_level(const std::string& name, const std::string& from);

}  // namespace yuqing
