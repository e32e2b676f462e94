// Logging for operators: one line per event on stderr, "time level [stage] message", through spdlog.
// Stages log with spdlog::info(...) etc. after init_logging(); the level comes from --log-level or
// $YUQING_LOG_LEVEL (trace, debug, info, warn, error).
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace yuqing {

void init_logging(const std::string& stage, const std::string& level);

}  // namespace yuqing
