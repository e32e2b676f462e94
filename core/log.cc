#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <utility>

#include "core/status.h"

namespace yuqing {

spdlog::level::level_enum parse_log_level(const std::string& name, const std::string& from) {
  // spdlog's own from_str answers `off` for a name it does not know, which would silence the very
  // errors an operator turned the level up to see.
  static const std::pair<const char*, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},   {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"warning", spdlog::level::warn},  {"error", spdlog::level::err},
      {"err", spdlog::level::err},     {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [n, level] : kLevels)
    if (name == n) return level;
  throw ConfigError(from + ": '" + name + "' is not a log level; use trace, debug, info, warn, error or off");
}

void init_logging(const std::string& stage, const std::string& level) {
  std::string lvl = level, from = "--log-level";
  if (lvl.empty())
    if (const char* e = std::getenv("YUQING_LOG_LEVEL")) lvl = e, from = "YUQING_LOG_LEVEL";
  auto logger = spdlog::stderr_color_mt(stage.empty() ? "yuqing" : stage);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  spdlog::set_default_logger(logger);  // first, so that a bad level's error goes to stderr too
  logger->set_level(lvl.empty() ? spdlog::level::info : parse_log_level(lvl, from));
}

}  // namespace yuqing
