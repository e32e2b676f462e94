// The one place where whatever a command throws becomes the process's exit code (cli/command.h):
// 0 done (and --help), 2 bad usage or configuration — the message names the argument, the word
// that is not a command, or the YAML path — and 1 for anything else that escaped: a bug or an
// exhausted resource, logged for the operator instead of an abort with a core dump and no message.
// A library of its own (yuqing_cli_guard) so that tests/unit/cli runs the very code main() runs.
#pragma once

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "core/status.h"

namespace yuqing::cli {

// After a failed parse: the first word the command line held where a subcommand was expected and
// that names none ("yuqing frobnicate", "yuqing query trnd"), with the command it was given to
// ("yuqing query"); empty when the error was something else. CLI11 reports such a word as "A
// subcommand is required", which names nothing.
std::string unknown_command_message(const CLI::App& app);

// Runs `run` (which parses the command line and runs the chosen command, returning its exit code)
// and turns what escapes it into an exit code and a message on stderr or in the log.
template <class Run>
int run_guarded(CLI::App& app, Run&& run) noexcept {
  try {
    try {
      return run();
    } catch (const CLI::Success& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      // --help and friends exit 0; every other command-line error is bad usage: exit 2.
      if (const std::string unknown = unknown_command_message(app); !unknown.empty()) {
        std::fprintf(stderr, "%s\nRun with --help for more information.\n", unknown.c_str());
        return 2;
      }
      return app.exit(e) == 0 ? 0 : 2;
    } catch (const ConfigError& e) {
      spdlog::error("configuration error: {}", e.what());
      return 2;
    } catch (const std::exception& e) {
      spdlog::error("unexpected error: {}", e.what());
      return 1;
    } catch (...) {
      spdlog::error("unexpected error of unknown type");
      return 1;
    }
  } catch (...) {  // the logger itself failed (stderr closed, out of memory): still no abort
    return 1;
  }
}

}  // namespace yuqing::cli
