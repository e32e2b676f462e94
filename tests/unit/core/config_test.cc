#include "core/config.h"
#include "core/status.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

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

// configs/pipeline.yaml documents the defaults: every key of every table is written out, with the
// table's default, and the file holds no key the tables lack (read without the environment, which
// may override addresses).
TEST(Config, TheShippedFileWritesOutEveryDefault) {
  const Config file = read_config_file("configs/pipeline.yaml");
  EXPECT_EQ(file.home, fs::current_path());
  const auto defaults = describe_config(Config{});
  const auto shipped = describe_config(file);
  ASSERT_EQ(shipped.size(), defaults.size());
  const YAML::Node yaml = YAML::LoadFile("configs/pipeline.yaml");
  size_t keys = 0;
  for (size_t i = 0; i < defaults.size(); ++i) {
    const auto& section = defaults[i];
    ASSERT_TRUE(yaml[section.name].IsMap()) << section.name << ": missing from configs/pipeline.yaml";
    ASSERT_EQ(shipped[i].keys.size(), section.keys.size());
    for (size_t k = 0; k < section.keys.size(); ++k) {
      const std::string path = section.name + "." + section.keys[k].key;
      EXPECT_TRUE(yaml[section.name][section.keys[k].key]) << path << ": not written out in configs/pipeline.yaml";
      EXPECT_EQ(shipped[i].keys[k].value, section.keys[k].value) << path << ": configs/pipeline.yaml differs from the default";
      ++keys;
    }
    for (const auto& kv : yaml[section.name]) {
      const std::string key = kv.first.Scalar();
      EXPECT_TRUE(std::any_of(section.keys.begin(), section.keys.end(), [&](const auto& d) { return d.key == key; }))
          << section.name << "." << key << ": in configs/pipeline.yaml but not in the table";
    }
  }
  for (const auto& kv : yaml)
    EXPECT_TRUE(std::any_of(defaults.begin(), defaults.end(), [&](const auto& s) { return s.name == kv.first.Scalar(); }))
        << kv.first.Scalar() << ": in configs/pipeline.yaml but not a section";
  EXPECT_GE(keys, 50u);  // the walk above did happen
}

// And it is exactly what `yuqing config --defaults` prints, comments included, so the docs in the
// file cannot drift from the table either.
TEST(Config, TheShippedFileIsTheDefaultsOutput) {
  std::ifstream in("configs/pipeline.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, config_yaml(Config{})) << "regenerate it: yuqing config --defaults > configs/pipeline.yaml";
}

TEST(Config, TheDefaultsOutputReadsBackAsTheDefaults) {
  const fs::path file = write_config(config_yaml(Config{}));
  EXPECT_EQ(config_yaml(read_config_file(file)), config_yaml(Config{}));
}

TEST(Config, EveryKeyIsDocumented) {
  for (const auto& section : describe_config(Config{})) {
    EXPECT_FALSE(section.doc.empty()) << section.name;
    for (const auto& k : section.keys) EXPECT_FALSE(k.doc.empty()) << section.name << "." << k.key;
  }
}

// A value different from the default is read into its member, for every kind of key.
TEST(Config, ValuesAreReadIntoTheirMembers) {
  const Config c = read_config_file(write_config(
      "time: {utc_offset_minutes: -300}\n"
      "kafka: {partitions: 12, client: {linger.ms: '5'}}\n"
      "clickhouse: {verify_tls: false, url: 'https://ch:8443'}\n"
      "crawler: {per_host_rate: 0.5, max_body_bytes: 2048}\n"
      "mail: {starttls: required, from: 'ops <ops@example.org>'}\n"));
  EXPECT_EQ(c.time.utc_offset_minutes, -300);
  EXPECT_EQ(c.kafka.partitions, 12);
  EXPECT_EQ(c.kafka.client.at("linger.ms"), "5");
  EXPECT_FALSE(c.clickhouse.verify_tls);
  EXPECT_EQ(c.clickhouse.url, "https://ch:8443");
  EXPECT_EQ(c.crawler.per_host_rate, 0.5);
  EXPECT_EQ(c.crawler.max_body_bytes, 2048);
  EXPECT_EQ(c.mail.starttls, "required");
  EXPECT_EQ(c.sink.batch_rows, 20000);  // untouched: the default
}

// Each bad value, and the error it gives: the YAML path, what is allowed, what was found.
TEST(Config, BadValuesNameTheirPathAndValue) {
  struct Case {
    std::string yaml;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"sink: {batch_rows: 0}", "sink.batch_rows: must be between 1 and 10000000, got 0"},
           {"kafka: {partitions: three}", "kafka.partitions: expected an integer, got 'three'"},
           {"kafka: {replication: 17}", "kafka.replication: must be between 1 and 16, got 17"},
           {"time: {utc_offset_minutes: 900}", "time.utc_offset_minutes: must be between -840 and 840, got 900"},
           {"time: {utc_offset_minutes: -300}", ""},
           {"crawler: {per_host_rate: 0}", "crawler.per_host_rate: must be between 0.01 and 1000, got 0"},
           {"crawler: {max_body_bytes: 12}", "crawler.max_body_bytes: must be between 1024 and 1073741824, got 12"},
           {"sandbox: {seed: -1}", "sandbox.seed: must be at least 0, got -1"},
           {"sandbox: {port: 70000}", "sandbox.port: must be between 1 and 65535, got 70000"},
           {"clickhouse: {compress: maybe}", "clickhouse.compress: must be auto, true or false, got 'maybe'"},
           {"clickhouse: {url: 'ftp://x'}", "clickhouse.url: must start with http:// or https://, got 'ftp://x'"},
           {"clickhouse: {database: 'my-db'}", "clickhouse.database: only letters, digits and _ are allowed"},
           {"clickhouse: {settings: {max_threads: [1]}}", "clickhouse.settings.max_threads: expected a scalar value"},
           {"mail: {url: 'http://x'}", "mail.url: must start with smtp:// or smtps://, got 'http://x'"},
           {"mail: {starttls: always}", "mail.starttls: must be none, try or required, got 'always'"},
           {"mail: {from: nobody}", "mail.from: must be an address like 'name <user@host>', got 'nobody'"},
           {"mail: {retry_base_ms: 5000, retry_max_ms: 1000}", "mail.retry_max_ms: must not be below retry_base_ms"},
           {"kafka: [1, 2]", "kafka: expected a mapping"},
           {"kafka: {brokrs: x}", "kafka.brokrs: unknown key"},
           {"nonsense: 1", "nonsense: unknown key"},
       }) {
    const std::string e = error_of(c.yaml + "\n");
    if (c.error.empty()) {
      EXPECT_EQ(e, "") << c.yaml;
    } else {
      EXPECT_NE(e.find(": " + c.error), std::string::npos) << c.yaml << "\n  gave: " << e;
      EXPECT_NE(e.find("configs/pipeline.yaml: "), std::string::npos) << e;  // and the file
    }
  }
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
  fs::permissions(file.parent_path().parent_path() / "var" / "pw", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(load_config(file).clickhouse.password, "from-file");
  ::setenv("YUQING_CLICKHOUSE_PASSWORD", "from-env", 1);
  ::setenv("YUQING_KAFKA_BROKERS", "broker:1", 1);
  const Config c = load_config(file);
  ::unsetenv("YUQING_CLICKHOUSE_PASSWORD");
  ::unsetenv("YUQING_KAFKA_BROKERS");
  EXPECT_EQ(c.clickhouse.password, "from-env");
  EXPECT_EQ(c.kafka.brokers, "broker:1");
}

// Secrets only from the environment or from files private to their owner (issue 15).
TEST(Config, PasswordFilesMustBePrivate) {
  struct Case {
    const char* key;
    fs::perms mode;
    bool write;
    std::string password;  // what load_config reads; "!" = ConfigError naming the key and the file
  };
  const fs::perms rw = fs::perms::owner_read | fs::perms::owner_write;
  const std::vector<Case> cases = {
      {"clickhouse", rw, true, "secret"},
      {"clickhouse", fs::perms::owner_read, true, "secret"},
      {"clickhouse", rw | fs::perms::group_read, true, "!"},
      {"clickhouse", rw | fs::perms::others_read, true, "!"},
      {"clickhouse", rw, false, ""},  // missing: no password, the server says no
      {"mail", rw, true, "secret"},
      {"mail", rw | fs::perms::others_read, true, "!"},
  };
  for (const auto& c : cases) {
    const fs::path file = write_config(std::string(c.key) + ":\n  password_file: var/secret\n");
    const fs::path secret = file.parent_path().parent_path() / "var" / "secret";
    fs::create_directories(secret.parent_path());
    fs::remove(secret);
    if (c.write) {
      std::ofstream(secret) << "secret\n";
      fs::permissions(secret, c.mode);
    }
    const std::string what = std::string(c.key) + " mode " + std::to_string(int(c.mode)) + (c.write ? "" : " missing");
    try {
      const Config loaded = load_config(file);
      EXPECT_NE(c.password, "!") << what << ": a group- or world-readable secret was used";
      EXPECT_EQ(std::string(c.key) == "mail" ? loaded.mail.password : loaded.clickhouse.password, c.password) << what;
    } catch (const ConfigError& e) {
      EXPECT_EQ(c.password, "!") << what << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(std::string(c.key) + ".password_file"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(secret.string()), std::string::npos) << e.what();
    }
  }
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
