// Config: every option of the pipeline, with its default, loaded once at start-up from
// configs/pipeline.yaml (or --config FILE) and validated there.
//
// Relative paths in the file resolve against the project home: the parent of the folder that
// holds the config file (so configs/pipeline.yaml -> the repository root).
// Environment variables win over the file for addresses and secrets:
//   YUQING_KAFKA_BROKERS, YUQING_CLICKHOUSE_URL, YUQING_CLICKHOUSE_USER,
//   YUQING_CLICKHOUSE_PASSWORD (else clickhouse.password_file), YUQING_SMTP_URL.
// Secrets are never read from YAML: a `password:` key is an error.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace yuqing {

struct KafkaOptions {
  std::string brokers = "127.0.0.1:19092";
  std::string raw_topic = "yuqing.raw";
  std::string enriched_topic = "yuqing.enriched";
  std::string dead_letter_topic = "yuqing.dead-letter";
  int partitions = 3;
  int replication = 1;
  // librdkafka properties passed through unchanged (e.g. security.protocol, sasl.*, linger.ms).
  std::map<std::string, std::string> client;
};

struct ClickHouseOptions {
  std::string url = "http://127.0.0.1:18123";
  std::string database = "yuqing";
  std::string user = "yuqing";
  std::string password;                                    // from the environment or password_file
  std::string password_file = "var/secrets/clickhouse.password";
  int timeout_ms = 60000;
  bool verify_tls = true;
  std::map<std::string, std::string> settings;             // ClickHouse settings sent with every query
};

struct CrawlerOptions {
  std::string user_agent = "yuqing/0.1 (+public-opinion monitoring; contact: the district office)";
  std::string sources_file = "configs/sources.yaml";
  int max_in_flight = 16;          // concurrent transfers over all hosts
  int connect_timeout_ms = 5000;
  int timeout_ms = 30000;
  long max_body_bytes = 8L << 20;  // after decompression
  int max_pages = 100000;          // safety cap per crawl run
};

struct ProcessorOptions {
  std::string group = "yuqing-processors";
  std::string rules_dir = "configs";  // issues.yaml, places.yaml, cues.yaml
  int batch_size = 500;
};

struct SinkOptions {
  std::string group = "yuqing-sink";
  int batch_rows = 5000;
  long batch_bytes = 16L << 20;
  int batch_ms = 1000;
  int max_retry_ms = 60000;        // back-off ceiling while ClickHouse is unreachable
};

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 18080;
  long seed = 20221;
  int articles = 40;
};

struct Config {
  std::filesystem::path file;   // the YAML file it came from
  std::filesystem::path home;   // base for relative paths
  KafkaOptions kafka;
  ClickHouseOptions clickhouse;
  CrawlerOptions crawler;
  ProcessorOptions processor;
  SinkOptions sink;
  SandboxOptions sandbox;

  // Absolute path for a path option: relative ones resolve against `home`.
  std::filesystem::path resolve(const std::string& p) const;
};

// The default config file: $YUQING_CONFIG, else ./configs/pipeline.yaml, else the one next to the
// binary's source tree (build/bin/yuqing -> ../../configs/pipeline.yaml).
std::filesystem::path default_config_path();

// Throws ConfigError naming the file and YAML path of the first bad value.
Config load_config(const std::filesystem::path& file);

}  // namespace yuqing
