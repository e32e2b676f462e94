#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "cli/command.h"
#include "core/log.h"
#include "crawlers/robots.h"

namespace yuqing::cli {

void add_robots_check_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "robots-check",
      "Answer robots.txt questions with the crawler's own RFC 9309 matcher. Reads JSON lines\n"
      "{\"robots_txt\": \"...\", \"user_agent\": \"...\", \"url\": \"...\"} on stdin and writes one line\n"
      "{\"allowed\": true|false} per input line, in order. A line that is not such an object is an\n"
      "error on stderr and makes the exit code 2; the other lines are still answered.");
  cmd->callback([&ctx] {
    init_logging("robots-check", ctx.log_level);
    size_t line_no = 0;
    for (std::string line; std::getline(std::cin, line);) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const auto in = nlohmann::json::parse(line, nullptr, false);
      if (!in.is_object() || !in.value("robots_txt", nlohmann::json()).is_string() ||
          !in.value("user_agent", nlohmann::json()).is_string() || !in.value("url", nlohmann::json()).is_string()) {
        spdlog::error("robots-check: line {}: expected {{\"robots_txt\", \"user_agent\", \"url\"}} as strings", line_no);
        std::cout << "{\"error\":\"line " << line_no << ": bad input\"}\n";
        ctx.exit_code = 2;
        continue;
      }
      const auto rules = crawlers::RobotsRules::parse(in["robots_txt"].get<std::string>());
      const bool allowed = rules.allowed(in["user_agent"].get<std::string>(), in["url"].get<std::string>());
      std::cout << (allowed ? "{\"allowed\":true}\n" : "{\"allowed\":false}\n") << std::flush;
    }
  });
}

}  // namespace yuqing::cli
