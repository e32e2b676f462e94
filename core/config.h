// Config: every option of the pipeline, with its default, loaded once at start-up from
// configs/pipeline.yaml (or --config FILE) and validated there.
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
  std::string ca_file;                                     // CA bundle for https:// (empty: system store)
  bool compress = true;                                    // gzip request bodies (INSERT data)
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
  std::string proxy;               // e.g. http://proxy:3128; "" = direct (curl also honours *_proxy env)
  std::string state_dir = "var/crawl";  // per-source frontier state and metrics.prom
  int per_host_connections = 2;    // concurrent transfers per host
  double per_host_rate = 5;        // requests per second per host (token bucket refill)
  int per_host_burst = 5;          // token bucket size
  int max_crawl_delay_s = 30;      // robots.txt Crawl-delay is honoured up to this
  int retry_base_ms = 2000;        // first back-off after a transient failure; doubles, with jitter
  int retry_max_ms = 3600000;      // back-off ceiling (also caps Retry-After)
  int max_attempts = 6;            // transient failures of one URL before it waits for its next due time
  int robots_ttl_s = 86400;        // robots.txt cache lifetime (RFC 9309 §2.4: at most 24 hours)
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
  std::string scenario = "configs/scenarios/default.yaml";  // what the sandbox web publishes (docs/SANDBOX.md)
};

// The mail adapter (mail/): SMTP through libcurl and the persisted outbox. YUQING_SMTP_URL overrides
// url; the password comes only from YUQING_SMTP_PASSWORD or password_file.
struct MailOptions {
  std::string url = "smtp://127.0.0.1:12525";            // smtp:// or smtps://; the local mail sink by default
  std::string from = "yuqing 舆情监测 <yuqing@localhost>";  // From: header and envelope sender
  std::string starttls = "none";                         // none | try | required (smtp:// only)
  std::string user;                                      // empty: no SMTP AUTH
  std::string password;                                  // from the environment or password_file
  std::string password_file;                             // empty: none
  std::string outbox_dir = "var/outbox";                 // pending/, delivered/, failed/
  int timeout_ms = 30000;                                // one SMTP transaction, connect included
  int retry_base_ms = 2000;                              // first back-off of a failed entry; doubles
  int retry_max_ms = 600000;                             // back-off ceiling
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
  MailOptions mail;

  // Absolute path for a path option: relative ones resolve against `home`.
  std::filesystem::path resolve(const std::string& p) const;
};

// The default config file: $YUQING_CONFIG, else ./configs/pipeline.yaml, else the one next to the
// binary's source tree (build/bin/yuqing -> ../../configs/pipeline.yaml).
std::filesystem::path default_config_path();

// Throws ConfigError naming the file and YAML path of the first bad value.
Config load_config(const std::filesystem::path& file);

}  // namespace yuqing
