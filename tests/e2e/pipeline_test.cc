// The walking skeleton end to end, through the real binary: sandbox truth -> `yuqing demo`
// (crawl -> Kafka -> process -> Kafka -> sink -> ClickHouse) -> `yuqing query count`, twice.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/integration/support.h"

namespace yuqing {
namespace {

using Outcome = testing::CliOutcome;
Outcome yuqing_cli(const std::string& args) { return testing::run_cli(YUQING_BINARY, args); }

size_t count_lines(const std::string& file) {
  std::ifstream in(file);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::isolated_config("e2e");
    config_.sandbox.port = testing::free_port_block(10);
    ASSERT_GT(config_.sandbox.port, 0) << "no block of 10 free loopback ports";
    // The shipped sources point at the default sandbox ports (18080 + site); this copy points at
    // the test's own block of ports.
    std::ifstream in(config_.resolve(config_.crawler.sources_file));
    std::stringstream text;
    text << in.rdbuf();
    std::string sources = text.str();
    for (int site = 0; site < 10; ++site) {
      const std::string from = "127.0.0.1:" + std::to_string(18080 + site);
      const std::string to = "127.0.0.1:" + std::to_string(config_.sandbox.port + site);
      for (size_t p = sources.find(from); p != std::string::npos; p = sources.find(from, p + to.size()))
        sources.replace(p, from.size(), to);
    }
    const auto dir = std::filesystem::temp_directory_path() / (config_.clickhouse.database + "_home");
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "sources.yaml") << sources;
    config_.crawler.sources_file = (dir / "sources.yaml").string();
    config_file_ = testing::write_config_file(config_).string();
  }
  void TearDown() override { testing::drop_database(config_); }

  Config config_;
  std::string config_file_;
};

}  // namespace

TEST_F(Pipeline, DemoStoresOneDocumentPerServedPageAndIsIdempotent) {
  const std::string truth = config_file_ + ".truth.jsonl";
  const Outcome t = yuqing_cli("--config " + config_file_ + " sandbox --truth " + truth + " --no-serve");
  ASSERT_EQ(t.exit_code, 0) << t.output;
  const size_t served = count_lines(truth);
  ASSERT_GE(served, 2000u) << "the default scenario serves at least 2,000 documents";

  // The mail sink that scripts/services.sh started writes under the project's var/ (the test's
  // config lives in a temporary home).
  ::setenv("YUQING_VAR", (std::filesystem::current_path() / "var").c_str(), 0);
  const Outcome first = yuqing_cli("--config " + config_file_ + " demo --no-services");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  // It ends with what an analyst sees: alerts, the peak week's report as PDF, mails per department.
  for (const char* expected : {"[10/10]", "运河街道 老旧小区与棚户区改造 声量异常上升", "weekly-2026-W43.pdf",
                               "区住房城乡建设局 <zjj@taierzhuang.gov.example>"})
    EXPECT_NE(first.output.find(expected), std::string::npos) << expected << "\n" << first.output;
  const Outcome count = yuqing_cli("--config " + config_file_ + " query count");
  ASSERT_EQ(count.exit_code, 0) << count.output;
  EXPECT_EQ(count.output, std::to_string(served) + "\n");

  const Outcome second = yuqing_cli("--config " + config_file_ + " demo --no-services");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const Outcome recount = yuqing_cli("--config " + config_file_ + " query count");
  EXPECT_EQ(recount.output, std::to_string(served) + "\n") << "re-crawling the same pages must not add documents";
  EXPECT_NE(second.output.find("(0 new in this run"), std::string::npos) << "replaying the same hours adds no alert\n" << second.output;
}

TEST_F(Pipeline, BadConfigIsAClearErrorWithExitCode2) {
  std::ofstream(config_file_, std::ios::app) << "surprise: 1\n";
  const Outcome r = yuqing_cli("--config " + config_file_ + " query count");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("surprise: unknown key"), std::string::npos) << r.output;
}

TEST_F(Pipeline, BadCommandLinesExitWith2NamingWhatIsWrong) {
  const struct {
    std::string args;
    const char* says;
  } cases[] = {
      {"frobnicate", "'frobnicate' is not a command of 'yuqing'; its commands: sandbox, crawl"},
      {"query trnd", "'trnd' is not a command of 'yuqing query'; its commands: count"},
      {"query count --frobnicate", "--frobnicate"},
      {"query trend --by", "--by"},
      {"--log-level loud query count", "--log-level: 'loud' is not a log level"},
      {"extract /", "extract: / is a directory"},
  };
  for (const auto& c : cases) {
    const Outcome r = yuqing_cli("--config " + config_file_ + " " + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << ": " << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << ": " << r.output;
  }
}

TEST_F(Pipeline, EverySubcommandTeachesWithHelp) {
  for (const char* sub : {"sandbox", "crawl", "process", "sink", "migrate", "query", "demo"}) {
    const Outcome r = yuqing_cli(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << sub << ": " << r.output;
  }
}

TEST_F(Pipeline, AnalyzeAnswersEveryLineInOrderAndNamesWhatIsWrong) {
  const std::string input = config_file_ + ".analyze.jsonl";
  std::ofstream(input) << R"({"id": "c1", "kind": "comment", "text": "唉，拖了这么久，太让人失望了", "context": "运河街道老旧小区改造迟迟不完工"})"
                       << "\n"
                       << R"({"id": "k", "kind": "tweet", "text": "x"})" << "\n"
                       << "not json\n"
                       << R"({"id": "a1", "text": "今天天气晴朗，气温二十度。"})" << "\n";
  const int status = std::system((std::string(YUQING_BINARY) + " --config " + config_file_ + " analyze < " + input +
                                  " > " + input + ".out 2> " + input + ".log").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1) << "a line that is not a document makes the exit code 1";
  std::stringstream log;
  log << std::ifstream(input + ".log").rdbuf();
  EXPECT_NE(log.str().find("4 documents, 2 rejected"), std::string::npos) << log.str();  // stderr, not the answers
  std::ifstream lines(input + ".out");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["id"], "c1");
  EXPECT_EQ(out[0]["places"], nlohmann::json::array({"运河街道"})) << "taken from the context";
  EXPECT_EQ(out[0]["intent"], "complaint");
  EXPECT_EQ(out[1]["id"], "k");
  EXPECT_NE(out[1]["error"].get<std::string>().find("\"kind\" must be one of"), std::string::npos) << out[1];
  EXPECT_TRUE(out[2]["id"].is_null());
  EXPECT_TRUE(out[2].contains("error"));
  EXPECT_EQ(out[3]["id"], "a1");
  EXPECT_EQ(out[3]["intent"], "news");
}

}  // namespace yuqing
