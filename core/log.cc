#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace yuqing {

void init_logging(const std::string& stage, const std::string& level) {
  auto logger = spdlog::stderr_color_mt(stage.empty() ? "yuqing" : stage);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
  std::string lvl = level;
  if (lvl.empty())
    if (const char* e = std::getenv("YUQING_LOG_LEVEL")) lvl = e;
  logger->set_level(lvl.empty() ? spdlog::level::info : spdlog::level::from_str(lvl));
  spdlog::set_default_logger(logger);
}

}  // namespace yuqing
