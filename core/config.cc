#include "core/config.h"

#include <unistd.h>

#include <cstdlib>
#include <cctype>
#include <fstream>
#include <limits>

#include "core/yaml_reader.h"

namespace yuqing {
namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

fs::path executable_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  return fs::path(std::string(buf, size_t(n))).parent_path();
}

void read_kafka(YamlSection s, KafkaOptions& o) {
  s.read("brokers", o.brokers);
  s.read("raw_topic", o.raw_topic);
  s.read("enriched_topic", o.enriched_topic);
  s.read("dead_letter_topic", o.dead_letter_topic);
  s.read("partitions", o.partitions, 1, 1024);
  s.read("replication", o.replication, 1, 16);
  s.read("client", o.client);
  s.finish();
}

void read_clickhouse(YamlSection s, ClickHouseOptions& o) {
  if (s.has("password")) s.fail("password", "secrets are not read from YAML; set YUQING_CLICKHOUSE_PASSWORD or password_file");
  s.read("url", o.url);
  s.read("database", o.database);
  s.read("user", o.user);
  s.read("password_file", o.password_file);
  s.read("timeout_ms", o.timeout_ms, 100, 3600000);
  s.read("verify_tls", o.verify_tls);
  s.read("ca_file", o.ca_file);
  s.read("compress", o.compress);
  s.read("settings", o.settings);
  s.finish();
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0)
    s.fail("url", "must start with http:// or https://, got '" + o.url + "'");
  for (char c : o.database)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) s.fail("database", "only letters, digits and _ are allowed");
}

void read_crawler(YamlSection s, CrawlerOptions& o) {
  s.read("user_agent", o.user_agent);
  s.read("sources_file", o.sources_file);
  s.read("max_in_flight", o.max_in_flight, 1, 1024);
  s.read("connect_timeout_ms", o.connect_timeout_ms, 100, 600000);
  s.read("timeout_ms", o.timeout_ms, 100, 3600000);
  s.read("max_body_bytes", o.max_body_bytes, 1024, 1L << 30);
  s.read("max_pages", o.max_pages, 1, 100000000);
  s.read("proxy", o.proxy);
  s.read("state_dir", o.state_dir);
  s.read("per_host_connections", o.per_host_connections, 1, 64);
  s.read("per_host_rate", o.per_host_rate, 0.01, 1000);
  s.read("per_host_burst", o.per_host_burst, 1, 1000);
  s.read("max_crawl_delay_s", o.max_crawl_delay_s, 0, 3600);
  s.read("retry_base_ms", o.retry_base_ms, 10, 3600000);
  s.read("retry_max_ms", o.retry_max_ms, 10, 86400000);
  s.read("max_attempts", o.max_attempts, 1, 100);
  s.read("robots_ttl_s", o.robots_ttl_s, 1, 86400);
  s.finish();
}

void read_processor(YamlSection s, ProcessorOptions& o) {
  s.read("group", o.group);
  s.read("rules_dir", o.rules_dir);
  s.read("batch_size", o.batch_size, 1, 100000);
  s.finish();
}

void read_sink(YamlSection s, SinkOptions& o) {
  s.read("group", o.group);
  s.read("batch_rows", o.batch_rows, 1, 10000000);
  s.read("batch_bytes", o.batch_bytes, 1024, 1L << 32);
  s.read("batch_ms", o.batch_ms, 1, 600000);
  s.read("max_retry_ms", o.max_retry_ms, 100, 3600000);
  s.finish();
}

void read_sandbox(YamlSection s, SandboxOptions& o) {
  s.read("host", o.host);
  s.read("port", o.port, 1, 65535);
  s.read("seed", o.seed, 0, std::numeric_limits<long>::max());
  s.read("scenario", o.scenario);
  s.finish();
}

void read_mail(YamlSection s, MailOptions& o) {
  if (s.has("password")) s.fail("password", "secrets are not read from YAML; set YUQING_SMTP_PASSWORD or password_file");
  s.read("url", o.url);
  s.read("from", o.from);
  s.read("starttls", o.starttls);
  s.read("user", o.user);
  s.read("password_file", o.password_file);
  s.read("outbox_dir", o.outbox_dir);
  s.read("timeout_ms", o.timeout_ms, 100, 3600000);
  s.read("retry_base_ms", o.retry_base_ms, 10, 3600000);
  s.read("retry_max_ms", o.retry_max_ms, 10, 86400000);
  s.finish();
  if (o.url.rfind("smtp://", 0) != 0 && o.url.rfind("smtps://", 0) != 0)
    s.fail("url", "must start with smtp:// or smtps://, got '" + o.url + "'");
  if (o.starttls != "none" && o.starttls != "try" && o.starttls != "required")
    s.fail("starttls", "must be none, try or required, got '" + o.starttls + "'");
  // The full address check lives in mail/ (which core does not depend on); this catches the
  // obvious mistakes at start-up instead of at the first delivery.
  const auto at = o.from.find('@');
  if (at == std::string::npos || o.from.find_first_of("\r\n") != std::string::npos)
    s.fail("from", "must be an address like 'name <user@host>', got '" + o.from + "'");
  if (o.retry_max_ms < o.retry_base_ms) s.fail("retry_max_ms", "must not be below retry_base_ms");
}

}  // namespace

fs::path Config::resolve(const std::string& p) const {
  fs::path path(p);
  return path.is_absolute() ? path : home / path;
}

fs::path default_config_path() {
  if (auto e = env("YUQING_CONFIG"); !e.empty()) return e;
  if (fs::exists("configs/pipeline.yaml")) return fs::absolute("configs/pipeline.yaml");
  const fs::path near_binary = executable_dir() / ".." / ".." / "configs" / "pipeline.yaml";
  if (fs::exists(near_binary)) return fs::weakly_canonical(near_binary);
  return fs::absolute("configs/pipeline.yaml");
}

Config load_config(const fs::path& file) {
  Config c;
  c.file = fs::absolute(file).lexically_normal();
  c.home = c.file.parent_path().parent_path();
  YamlSection root(load_yaml_file(c.file.string()), c.file.string());
  read_kafka(root.child("kafka"), c.kafka);
  read_clickhouse(root.child("clickhouse"), c.clickhouse);
  read_crawler(root.child("crawler"), c.crawler);
  read_processor(root.child("processor"), c.processor);
  read_sink(root.child("sink"), c.sink);
  read_sandbox(root.child("sandbox"), c.sandbox);
  read_mail(root.child("mail"), c.mail);
  root.finish();

  if (auto e = env("YUQING_KAFKA_BROKERS"); !e.empty()) c.kafka.brokers = e;
  if (auto e = env("YUQING_CLICKHOUSE_URL"); !e.empty()) c.clickhouse.url = e;
  if (auto e = env("YUQING_CLICKHOUSE_USER"); !e.empty()) c.clickhouse.user = e;
  if (auto e = env("YUQING_CLICKHOUSE_PASSWORD"); !e.empty()) {
    c.clickhouse.password = e;
  } else if (!c.clickhouse.password_file.empty()) {
    std::ifstream in(c.resolve(c.clickhouse.password_file));
    if (in) std::getline(in, c.clickhouse.password);
  }
  if (auto e = env("YUQING_SMTP_URL"); !e.empty()) c.mail.url = e;
  if (auto e = env("YUQING_SMTP_PASSWORD"); !e.empty()) {
    c.mail.password = e;
  } else if (!c.mail.password_file.empty()) {
    std::ifstream in(c.resolve(c.mail.password_file));
    if (in) std::getline(in, c.mail.password);
  }
  return c;
}

}  // namespace yuqing
