// Config: every option of the pipeline, with its default, loaded once at start-up from
// configs/pipeline.yaml (or --config FILE) and validated there. The reference of every key is
// `yuqing config --defaults` (configs/pipeline.yaml is its output).
//
// Relative paths in the file resolve against the project home: the parent of the folder that
// holds the config file (so configs/pipeline.yaml -> the repository root).
// Environment variables win over the file for addresses and secrets:
//   YUQING_KAFKA_BROKERS, YUQING_CLICKHOUSE_URL, YUQING_CLICKHOUSE_USER,
//   YUQING_CLICKHOUSE_PASSWORD (else clickhouse.password_file), YUQING_SMTP_URL,
//   YUQING_SMTP_PASSWORD (else mail.password_file).
// Secrets are never read from YAML: a `password:` key is an error.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace yuqing {

// Each section's keys, defaults, ranges and docs are written once, in its table in config.cc
// (ConfigTable, core/config_table.h); the constructors below apply those defaults, and
// `yuqing config --defaults` prints them all. The members are listed here without repeating them.

// time: the district's local time (core/time.h local_offset_minutes()).
struct TimeOptions {
  TimeOptions();
  int utc_offset_minutes;
};

struct KafkaOptions {
  KafkaOptions();
  std::string brokers;
  std::string raw_topic;
  std::string enriched_topic;
  std::string dead_letter_topic;
  int partitions;
  int replication;
  std::map<std::string, std::string> client;  // librdkafka properties, passed through
};

struct ClickHouseOptions {
  ClickHouseOptions();
  std::string url;
  std::string database;
  std::string user;
  std::string password;  // never from YAML: the environment or password_file
  std::string password_file;
  int timeout_ms;
  bool verify_tls;
  std::string ca_file;
  std::string compress;  // auto | true | false (see clickhouse::Client)
  std::map<std::string, std::string> settings;  // ClickHouse settings sent with every query
};

struct CrawlerOptions {
  CrawlerOptions();
  std::string user_agent;
  std::string sources_file;
  int max_in_flight;
  int connect_timeout_ms;
  int timeout_ms;
  long max_body_bytes;
  int max_pages;
  std::string proxy;
  std::string state_dir;
  int per_host_connections;
  double per_host_rate;
  int per_host_burst;
  int max_crawl_delay_s;
  int retry_base_ms;
  int retry_max_ms;
  int max_attempts;
  int robots_ttl_s;
};

struct ProcessorOptions {
  ProcessorOptions();
  std::string group;
  std::string rules_dir;
  int batch_size;
};

struct SinkOptions {
  SinkOptions();
  std::string group;
  int batch_rows;
  long batch_bytes;
  int batch_ms;
  int max_retry_ms;
};

struct SandboxOptions {
  SandboxOptions();
  std::string host;
  int port;
  long seed;
  std::string scenario;
};

// The mail adapter (mail/): SMTP through libcurl and the persisted outbox.
struct MailOptions {
  MailOptions();
  std::string url;
  std::string from;
  std::string starttls;
  std::string user;
  std::string password;  // never from YAML: YUQING_SMTP_PASSWORD or password_file
  std::string password_file;
  std::string outbox_dir;
  int timeout_ms;
  int retry_base_ms;
  int retry_max_ms;
};

struct Config {
  std::filesystem::path file;   // the YAML file it came from
  std::filesystem::path home;   // base for relative paths
  TimeOptions time;
  KafkaOptions kafka;
  ClickHouseOptions clickhouse;
  CrawlerOptions crawler;
  ProcessorOptions processor;
  SinkOptions sink;
  SandboxOptions sandbox;
  MailOptions mail;

  // Absolute path for a path option: relative ones resolve against `home`.
  std::filesystem::path resolve(const std::string& p) const;
};

// The default config file: $YUQING_CONFIG, else ./configs/pipeline.yaml, else the one next to the
// binary's source tree (build/bin/yuqing -> ../../configs/pipeline.yaml).
std::filesystem::path default_config_path();

// Throws ConfigError naming the file and YAML path of the first bad value.
Config load_config(const std::filesystem::path& file);

// The file's values alone: validated like load_config, without the environment overrides and
// without reading the password files (`yuqing config --check`, the test of configs/pipeline.yaml).
Config read_config_file(const std::filesystem::path& file);

// One key as documented: its value as YAML text, the values it takes ("" = any) and what it does.
struct ConfigKeyDoc {
  std::string key;
  std::string value;
  std::string range;
  std::string doc;
};

// One section as documented: its key, its doc line and its keys with their values in a Config.
struct ConfigSectionDoc {
  std::string name;
  std::string doc;
  std::vector<ConfigKeyDoc> keys;
};
std::vector<ConfigSectionDoc> describe_config(const Config& c);

// The pipeline YAML of `c`, each key with its doc and range as a comment; for Config{} this is
// the documented default file (`yuqing config --defaults`, configs/pipeline.yaml).
std::string config_yaml(const Config& c);

}  // namespace yuqing
