#include "cli/guard.h"

#include <vector>

namespace yuqing::cli {

std::string unknown_command_message(const CLI::App& app) {
  const CLI::App* at = &app;  // the deepest command the line chose
  for (;;) {
    const auto chosen = at->get_subcommands();
    if (chosen.empty()) break;
    at = chosen.front();
  }
  std::vector<std::string> names;
  for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  if (names.empty()) return {};
  for (const std::string& word : app.remaining()) {
    if (word.empty() || word.front() == '-') continue;
    std::string path;
    for (const CLI::App* p = at; p != nullptr; p = p->get_parent())
      path = (p->get_parent() ? p->get_name() : "yuqing") + (path.empty() ? "" : " " + path);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return "'" + word + "' is not a command of '" + path + "'; its commands: " + list;
  }
  return {};
}

}  // namespace yuqing::cli
