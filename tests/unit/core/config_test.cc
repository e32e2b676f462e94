#include "core/config.h"
#include "core/status.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace yuqing {
namespace {

namespace fs = std::filesystem;

// Writes `yaml` to <tmp>/configs/pipeline.yaml and returns its path.
fs::path write_config(const std::string& yaml) {
  const fs::path home = fs::temp_directory_path() / ("yuqing-config-test-" + std::to_string(::getpid()));
  fs::create_directories(home / "configs");
  std::ofstream(home / "configs" / "pipeline.yaml") << yaml;
  return home / "configs" / "pipeline.yaml";
}

std::string error_of(const std::string& yaml) {
  try {
    load_config(write_config(yaml));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Addresses are left out: the environment may override them (YUQING_KAFKA_BROKERS...).
TEST(Config, TheShippedFileLoadsAndMatchesTheDefaults) {
  const Config c = load_config("configs/pipeline.yaml");
  const Config defaults;
  EXPECT_EQ(c.kafka.raw_topic, defaults.kafka.raw_topic);
  EXPECT_EQ(c.clickhouse.database, defaults.clickhouse.database);
  EXPECT_EQ(c.sink.batch_rows, defaults.sink.batch_rows);
  EXPECT_EQ(c.sandbox.port, defaults.sandbox.port);
  EXPECT_EQ(c.home, fs::current_path());
}

TEST(Config, UnknownKeysAreErrorsNamingTheirPath) {
  const std::string e = error_of("kafka:\n  brokrs: x\n");
  EXPECT_NE(e.find("kafka.brokrs: unknown key"), std::string::npos) << e;
  EXPECT_NE(error_of("nonsense: 1\n").find("nonsense: unknown key"), std::string::npos);
}

TEST(Config, BadValuesNameTheirPathAndValue) {
  const std::string e = error_of("kafka:\n  partitions: three\n");
  EXPECT_NE(e.find("kafka.partitions"), std::string::npos) << e;
  EXPECT_NE(e.find("three"), std::string::npos) << e;
  EXPECT_NE(error_of("sink:\n  batch_rows: 0\n").find("sink.batch_rows: must be between"), std::string::npos);
  EXPECT_NE(error_of("clickhouse:\n  url: ftp://x\n").find("clickhouse.url"), std::string::npos);
  EXPECT_NE(error_of("kafka: [1, 2]\n").find("kafka: expected a mapping"), std::string::npos);
}

TEST(Config, PasswordsAreNeverReadFromYaml) {
  const std::string e = error_of("clickhouse:\n  password: hunter2\n");
  EXPECT_NE(e.find("clickhouse.password"), std::string::npos) << e;
  EXPECT_NE(e.find("YUQING_CLICKHOUSE_PASSWORD"), std::string::npos) << e;
}

TEST(Config, EnvironmentOverridesAddressesAndSecrets) {
  const fs::path file = write_config("clickhouse:\n  password_file: var/pw\n");
  fs::create_directories(file.parent_path().parent_path() / "var");
  std::ofstream(file.parent_path().parent_path() / "var" / "pw") << "from-file\n";
  EXPECT_EQ(load_config(file).clickhouse.password, "from-file");
  ::setenv("YUQING_CLICKHOUSE_PASSWORD", "from-env", 1);
  ::setenv("YUQING_KAFKA_BROKERS", "broker:1", 1);
  const Config c = load_config(file);
  ::unsetenv("YUQING_CLICKHOUSE_PASSWORD");
  ::unsetenv("YUQING_KAFKA_BROKERS");
  EXPECT_EQ(c.clickhouse.password, "from-env");
  EXPECT_EQ(c.kafka.brokers, "broker:1");
}

TEST(Config, MissingFileAndSyntaxErrorsNameTheFile) {
  try {
    load_config("/nonexistent/configs/pipeline.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/configs/pipeline.yaml"), std::string::npos);
  }
  EXPECT_NE(error_of("kafka: {brokers: [\n").find("YAML syntax error"), std::string::npos);
}

}  // namespace yuqing
