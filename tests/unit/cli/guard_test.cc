// The exit-code guard main() runs every command in (cli/guard.h): bad usage and configuration
// exit 2 naming what is wrong, anything else that escapes a command exits 1 with a logged error
// instead of an abort, and --help exits 0 — on a small command tree shaped like yuqing's.
#include "cli/guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <functional>
#include <stdexcept>

#include "core/log.h"

namespace yuqing::cli {
namespace {

struct Outcome {
  int exit_code;
  std::string stderr_text;
};

// `yuqing query trend --by X`, `yuqing crawl`; `action` is what the chosen command does.
Outcome run(std::vector<std::string> args, const std::function<int()>& action = [] { return 0; }) {
  CLI::App app{"test"};
  app.require_subcommand(1);
  app.fallthrough();
  CLI::App* query = app.add_subcommand("query", "queries");
  query->require_subcommand(1);
  std::string by;
  query->add_subcommand("trend", "a trend")->add_option("--by", by, "day or week");
  app.add_subcommand("crawl", "crawl");
  args.insert(args.begin(), "yuqing");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  spdlog::set_default_logger(spdlog::stderr_logger_st("guard_test_" + std::to_string(std::rand())));
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const int code = run_guarded(app, [&] {
    app.parse(int(argv.size()), argv.data());
    return action();
  });
  ::testing::internal::GetCapturedStdout();
  return {code, ::testing::internal::GetCapturedStderr()};
}

}  // namespace

TEST(Guard, ExitCodesAndMessagesNameWhatIsWrong) {
  using Args = std::vector<std::string>;
  const struct {
    const char* name;
    Args args;
    std::function<int()> action;
    int exit_code;
    const char* says;  // on stderr
  } cases[] = {
      {"a good line, the command's own code", {"query", "trend", "--by", "day"}, [] { return 0; }, 0, ""},
      {"the command failed", {"crawl"}, [] { return 1; }, 1, ""},
      {"--help", {"--help"}, [] { return 0; }, 0, ""},
      {"an unknown command", {"frobnicate"}, [] { return 0; }, 2,
       "'frobnicate' is not a command of 'yuqing'; its commands: query, crawl"},
      {"an unknown subcommand", {"query", "trnd"}, [] { return 0; }, 2,
       "'trnd' is not a command of 'yuqing query'; its commands: trend"},
      {"no command", {}, [] { return 0; }, 2, "A subcommand is required"},
      {"an unknown option", {"query", "trend", "--frobnicate"}, [] { return 0; }, 2, "--frobnicate"},
      {"an option without its value", {"query", "trend", "--by"}, [] { return 0; }, 2, "--by"},
      {"a configuration error", {"crawl"}, [] () -> int { throw ConfigError("sink.batch_rows: must be between 1 and 10000000, got 0"); },
       2, "configuration error: sink.batch_rows: must be between 1 and 10000000"},
      {"a bad log level", {"crawl"}, [] { init_logging("", "loud"); return 0; }, 2,
       "--log-level: 'loud' is not a log level"},
      {"an escaped exception", {"crawl"}, [] () -> int { throw std::runtime_error("basic_filebuf::underflow"); }, 1,
       "unexpected error: basic_filebuf::underflow"},
      {"an escaped allocation failure", {"crawl"}, [] () -> int { throw std::bad_alloc(); }, 1, "unexpected error: std::bad_alloc"},
      {"something that is not an exception", {"crawl"}, [] () -> int { throw 42; }, 1, "unexpected error of unknown type"},
  };
  for (const auto& c : cases) {
    const Outcome o = run(c.args, c.action);
    EXPECT_EQ(o.exit_code, c.exit_code) << c.name << "\n" << o.stderr_text;
    EXPECT_THAT(o.stderr_text, ::testing::HasSubstr(c.says)) << c.name;
  }
}

TEST(Guard, LogLevelsAreKnownNamesOnly) {
  EXPECT_EQ(parse_log_level("debug", "--log-level"), spdlog::level::debug);
  EXPECT_EQ(parse_log_level("warn", "--log-level"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("error", "--log-level"), spdlog::level::err);
  EXPECT_EQ(parse_log_level("off", "--log-level"), spdlog::level::off);
  for (const char* bad : {"loud", "", "DEBUG ", "4"}) {
    try {
      parse_log_level(bad, "YUQING_LOG_LEVEL");
      ADD_FAILURE() << "'" << bad << "' was taken";
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), ::testing::StartsWith("YUQING_LOG_LEVEL: '")) << bad;
    }
  }
}

}  // namespace yuqing::cli
