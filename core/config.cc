#include "core/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/config_table.h"
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

// The tables: each key once, with its default, range and doc (`yuqing config --defaults`).
// Function-local statics, so that an options struct constructed during static initialization
// elsewhere still finds its table built.

const ConfigTable<TimeOptions>& time_table() {
  using O = TimeOptions;
  static const ConfigTable<O> t{
      "time", "The district's local time (core/time.h), a fixed UTC offset; alerts.yaml's utc_offset_minutes defaults to it.",
      {key_int<O, int>("utc_offset_minutes", &O::utc_offset_minutes, 480, -14 * 60, 14 * 60,
                       "local time of the district: day boundaries, report weeks, quiet hours, dates without an offset on "
                       "pages (480 = UTC+8, China Standard Time)")}};
  return t;
}

const ConfigTable<KafkaOptions>& kafka_table() {
  using O = KafkaOptions;
  static const ConfigTable<O> t{
      "kafka", "Kafka (stream/): the broker and the topics between the stages.",
      {key_text<O>("brokers", &O::brokers, "127.0.0.1:19092",
                   "bootstrap servers host:port[,...]; scripts/services.sh starts a single KRaft broker here; YUQING_KAFKA_BROKERS wins"),
       key_text<O>("raw_topic", &O::raw_topic, "yuqing.raw", "crawled documents, crawler → processors"),
       key_text<O>("enriched_topic", &O::enriched_topic, "yuqing.enriched", "tagged documents, processors → sink"),
       key_text<O>("dead_letter_topic", &O::dead_letter_topic, "yuqing.dead-letter", "records a stage rejected, with the reason"),
       key_int<O, int>("partitions", &O::partitions, 3, 1, 1024, "partitions of each topic `yuqing migrate` creates"),
       key_int<O, int>("replication", &O::replication, 1, 1, 16, "replication factor of each topic; 3 on a cluster (docs/ARCHITECTURE.md)"),
       key_map<O>("client", &O::client, "librdkafka properties passed through unchanged, e.g. {security.protocol: SASL_SSL}")}};
  return t;
}

std::string check_database(const std::string& v) {
  if (v.empty()) return "must not be empty";
  for (char c : v)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return "only letters, digits and _ are allowed";
  return {};
}

const ConfigTable<ClickHouseOptions>& clickhouse_table() {
  using O = ClickHouseOptions;
  static const ConfigTable<O> t{
      "clickhouse", "ClickHouse (storage/clickhouse/): the store of documents, rollups and alerts, over HTTP.",
      {key_refused<O>("password", "secrets are not read from YAML; set YUQING_CLICKHOUSE_PASSWORD or password_file"),
       key_url<O>("url", &O::url, "http://127.0.0.1:18123",
                  "HTTP interface; scripts/services.sh starts ClickHouse here; YUQING_CLICKHOUSE_URL wins", {"http://", "https://"}),
       key_text<O>("database", &O::database, "yuqing", "database holding every table", "letters, digits, _", check_database),
       key_text<O>("user", &O::user, "yuqing", "YUQING_CLICKHOUSE_USER wins"),
       key_text<O>("password_file", &O::password_file, "var/secrets/clickhouse.password",
                   "file holding the password (scripts/services.sh writes it); YUQING_CLICKHOUSE_PASSWORD wins; never a password: key"),
       key_int<O, int>("timeout_ms", &O::timeout_ms, 60000, 100, 3600000, "one HTTP request, connecting included"),
       key_flag<O>("verify_tls", &O::verify_tls, true, "check the server's certificate on an https:// url"),
       key_text<O>("ca_file", &O::ca_file, "", "CA bundle for an https:// url; empty = the system's"),
       key_choice<O>("compress", &O::compress, "auto",
                     "gzip INSERT bodies; auto: unless ClickHouse answers on loopback, where gzip only costs both sides CPU",
                     {"auto", "true", "false"}),
       key_map<O>("settings", &O::settings, "ClickHouse settings sent with every statement")}};
  return t;
}

const ConfigTable<CrawlerOptions>& crawler_table() {
  using O = CrawlerOptions;
  static const ConfigTable<O> t{
      "crawler", "The crawler (crawlers/): politeness, retries and limits; the sites are in sources_file.",
      {key_text<O>("user_agent", &O::user_agent, "yuqing/0.1 (+public-opinion monitoring; contact: the district office)",
                   "User-Agent of every request, and the name robots.txt rules are matched against"),
       key_text<O>("sources_file", &O::sources_file, "configs/sources.yaml", "the sites to crawl and how"),
       key_int<O, int>("max_in_flight", &O::max_in_flight, 16, 1, 1024, "concurrent transfers over all hosts"),
       key_int<O, int>("connect_timeout_ms", &O::connect_timeout_ms, 5000, 100, 600000, "connecting to a host"),
       key_int<O, int>("timeout_ms", &O::timeout_ms, 30000, 100, 3600000, "one whole transfer"),
       key_int<O, long>("max_body_bytes", &O::max_body_bytes, 8L << 20, 1024, 1L << 30, "largest body read, after decompression (8 MiB)"),
       key_int<O, int>("max_pages", &O::max_pages, 100000, 1, 100000000, "safety cap on the pages of one crawl run"),
       key_text<O>("proxy", &O::proxy, "", "e.g. http://proxy:3128; empty = direct (curl also honours the *_proxy variables)"),
       key_text<O>("state_dir", &O::state_dir, "var/crawl", "frontier state per source (<source>.state) and metrics.prom"),
       key_int<O, int>("per_host_connections", &O::per_host_connections, 2, 1, 64, "concurrent transfers per host"),
       key_number<O>("per_host_rate", &O::per_host_rate, 5, 0.01, 1000,
                     "requests per second per host (token bucket refill); slower when robots.txt Crawl-delay says so"),
       key_int<O, int>("per_host_burst", &O::per_host_burst, 5, 1, 1000, "token bucket size"),
       key_int<O, int>("max_crawl_delay_s", &O::max_crawl_delay_s, 30, 0, 3600, "robots.txt Crawl-delay is honoured up to this"),
       key_int<O, int>("retry_base_ms", &O::retry_base_ms, 2000, 10, 3600000, "first back-off after a transient failure; doubles, with jitter"),
       key_int<O, int>("retry_max_ms", &O::retry_max_ms, 3600000, 10, 86400000, "back-off ceiling; also caps Retry-After"),
       key_int<O, int>("max_attempts", &O::max_attempts, 6, 1, 100, "transient failures of a URL before it waits for its next due time"),
       key_int<O, int>("robots_ttl_s", &O::robots_ttl_s, 86400, 1, 86400, "robots.txt cache lifetime (RFC 9309 §2.4: at most 24 h)")}};
  return t;
}

const ConfigTable<ProcessorOptions>& processor_table() {
  using O = ProcessorOptions;
  static const ConfigTable<O> t{
      "processor", "The processors (processors/): tagging raw documents into enriched ones.",
      {key_text<O>("group", &O::group, "yuqing-processors", "Kafka consumer group"),
       key_text<O>("rules_dir", &O::rules_dir, "configs", "folder of issues.yaml, places.yaml, cues.yaml (and alerts.yaml)"),
       key_int<O, int>("batch_size", &O::batch_size, 500, 1, 100000, "records tagged per batch")}};
  return t;
}

const ConfigTable<SinkOptions>& sink_table() {
  using O = SinkOptions;
  static const ConfigTable<O> t{
      "sink", "The sink (storage/): enriched documents into ClickHouse, in batches.",
      {key_text<O>("group", &O::group, "yuqing-sink", "Kafka consumer group"),
       key_int<O, int>("batch_rows", &O::batch_rows, 20000, 1, 10000000, "rows per INSERT at most"),
       key_int<O, long>("batch_bytes", &O::batch_bytes, 32L << 20, 1024, 1L << 32, "bytes per INSERT at most (32 MiB)"),
       key_int<O, int>("batch_ms", &O::batch_ms, 1000, 1, 600000, "longest wait before a partial batch is written"),
       key_int<O, int>("max_retry_ms", &O::max_retry_ms, 60000, 100, 3600000, "back-off ceiling while ClickHouse is unreachable")}};
  return t;
}

const ConfigTable<SandboxOptions>& sandbox_table() {
  using O = SandboxOptions;
  static const ConfigTable<O> t{
      "sandbox", "The sandbox web (sandbox/, docs/SANDBOX.md): a simulated district on the local machine.",
      {key_text<O>("host", &O::host, "127.0.0.1", "address it listens on"),
       key_int<O, int>("port", &O::port, 18080, 1, 65535, "first port; each site takes the next ones"),
       key_int<O, long>("seed", &O::seed, 20221, 0, std::numeric_limits<long>::max(), "seed of the generator: the same seed, the same web"),
       key_text<O>("scenario", &O::scenario, "configs/scenarios/default.yaml", "sites, timeline and events of the sandbox web")}};
  return t;
}

std::string check_from(const std::string& v) {
  // The full address check lives in mail/ (which core does not depend on); this catches the
  // obvious mistakes at start-up instead of at the first delivery.
  if (v.find('@') == std::string::npos || v.find_first_of("\r\n") != std::string::npos)
    return "must be an address like 'name <user@host>', got '" + v + "'";
  return {};
}

const ConfigTable<MailOptions>& mail_table() {
  using O = MailOptions;
  static const ConfigTable<O> t{
      "mail", "Mail (mail/): SMTP through libcurl and the persisted outbox.",
      {key_refused<O>("password", "secrets are not read from YAML; set YUQING_SMTP_PASSWORD or password_file"),
       key_url<O>("url", &O::url, "smtp://127.0.0.1:12525",
                  "the local mail sink (scripts/services.sh, Maildir var/mail/inbox); smtps:// for implicit TLS; YUQING_SMTP_URL wins",
                  {"smtp://", "smtps://"}),
       key_text<O>("from", &O::from, "yuqing 舆情监测 <yuqing@localhost>", "From: header and envelope sender", "name <user@host>", check_from),
       key_choice<O>("starttls", &O::starttls, "none", "upgrade an smtp:// connection with STARTTLS", {"none", "try", "required"}),
       key_text<O>("user", &O::user, "", "SMTP AUTH user; empty = no authentication"),
       key_text<O>("password_file", &O::password_file, "", "file holding the SMTP password; YUQING_SMTP_PASSWORD wins; never a password: key"),
       key_text<O>("outbox_dir", &O::outbox_dir, "var/outbox", "persisted outbox: pending/, delivered/ (the ledger), failed/"),
       key_int<O, int>("timeout_ms", &O::timeout_ms, 30000, 100, 3600000, "one SMTP transaction, connecting included"),
       key_int<O, int>("retry_base_ms", &O::retry_base_ms, 2000, 10, 3600000, "first back-off of an entry after a transient failure; doubles"),
       key_int<O, int>("retry_max_ms", &O::retry_max_ms, 600000, 10, 86400000, "back-off ceiling (10 min); not below retry_base_ms")},
      [](const YamlSection& y, const O& o) {
        if (o.retry_max_ms < o.retry_base_ms) y.fail("retry_max_ms", "must not be below retry_base_ms");
      }};
  return t;
}

// Every section in file order: reads each, or hands each to `f` as (table, member of Config).
template <class F>
void for_each_section(F&& f) {
  f(time_table(), &Config::time);
  f(kafka_table(), &Config::kafka);
  f(clickhouse_table(), &Config::clickhouse);
  f(crawler_table(), &Config::crawler);
  f(processor_table(), &Config::processor);
  f(sink_table(), &Config::sink);
  f(sandbox_table(), &Config::sandbox);
  f(mail_table(), &Config::mail);
}

}  // namespace

TimeOptions::TimeOptions() { time_table().apply_defaults(*this); }
KafkaOptions::KafkaOptions() { kafka_table().apply_defaults(*this); }
ClickHouseOptions::ClickHouseOptions() { clickhouse_table().apply_defaults(*this); }
CrawlerOptions::CrawlerOptions() { crawler_table().apply_defaults(*this); }
ProcessorOptions::ProcessorOptions() { processor_table().apply_defaults(*this); }
SinkOptions::SinkOptions() { sink_table().apply_defaults(*this); }
SandboxOptions::SandboxOptions() { sandbox_table().apply_defaults(*this); }
MailOptions::MailOptions() { mail_table().apply_defaults(*this); }

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

Config read_config_file(const fs::path& file) {
  Config c;
  c.file = fs::absolute(file).lexically_normal();
  c.home = c.file.parent_path().parent_path();
  YamlSection root(load_yaml_file(c.file.string()), c.file.string());
  for_each_section([&](const auto& table, auto member) { table.read(root.child(table.section), c.*member); });
  root.finish();
  return c;
}

std::vector<ConfigSectionDoc> describe_config(const Config& c) {
  std::vector<ConfigSectionDoc> out;
  for_each_section([&](const auto& table, auto member) { out.push_back({table.section, table.doc, table.describe(c.*member)}); });
  return out;
}

std::string config_yaml(const Config& c) {
  std::string out =
      "# yuqing pipeline configuration: every key with its default, what it does and the values it takes\n"
      "# (printed by `yuqing config --defaults` from the tables in core/config.cc; `yuqing config --check FILE`\n"
      "# validates a file). Every key is optional: a missing key keeps its default; an unknown key or a bad\n"
      "# value is an error naming its path. Relative paths resolve against the parent of this file's folder\n"
      "# (the repository root). Environment variables override addresses and secrets: YUQING_KAFKA_BROKERS,\n"
      "# YUQING_CLICKHOUSE_URL, YUQING_CLICKHOUSE_USER, YUQING_CLICKHOUSE_PASSWORD, YUQING_SMTP_URL,\n"
      "# YUQING_SMTP_PASSWORD.\n";
  // "  key: value", then the doc and range from column 36, wrapped at about 120 columns with the
  // continuation lines under the first.
  constexpr size_t kCommentColumn = 36, kWidth = 120;
  for (const auto& section : describe_config(c)) {
    out += "\n# " + section.doc + "\n" + section.name + ":\n";
    for (const auto& k : section.keys) {
      std::string line = "  " + k.key + ": " + k.value;
      line.append(line.size() + 2 <= kCommentColumn ? kCommentColumn - line.size() : 2, ' ');
      const size_t column = line.size();
      line += "#";
      size_t width = line.size();  // of the line being filled
      std::stringstream words(k.doc + (k.range.empty() ? "" : " [" + k.range + "]"));
      for (std::string w; words >> w;) {
        if (width > column + 1 && width + 1 + w.size() > kWidth) {
          line += "\n" + std::string(column, ' ') + "#";
          width = column + 1;
        }
        line += " " + w;
        width += 1 + w.size();
      }
      out += line + "\n";
    }
  }
  return out;
}

namespace {

// A password file is private to its owner, as ssh keys are: one that the group or others may read
// is refused, not used (the password may already have leaked; chmod 600 and rotate it). A missing
// file means no password, which the server then refuses by name.
std::string read_secret_file(const fs::path& path, const std::string& key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  if (st.st_mode & 077)
    throw ConfigError(key + ": " + path.string() + " is readable by group or others; chmod 600 it (and rotate the password)");
  std::ifstream in(path);
  std::string secret;
  std::getline(in, secret);
  return secret;
}

}  // namespace

Config load_config(const fs::path& file) {
  Config c = read_config_file(file);

  if (auto e = env("YUQING_KAFKA_BROKERS"); !e.empty()) c.kafka.brokers = e;
  if (auto e = env("YUQING_CLICKHOUSE_URL"); !e.empty()) c.clickhouse.url = e;
  if (auto e = env("YUQING_CLICKHOUSE_USER"); !e.empty()) c.clickhouse.user = e;
  if (auto e = env("YUQING_CLICKHOUSE_PASSWORD"); !e.empty()) {
    c.clickhouse.password = e;
  } else if (!c.clickhouse.password_file.empty()) {
    c.clickhouse.password = read_secret_file(c.resolve(c.clickhouse.password_file), "clickhouse.password_file");
  }
  if (auto e = env("YUQING_SMTP_URL"); !e.empty()) c.mail.url = e;
  if (auto e = env("YUQING_SMTP_PASSWORD"); !e.empty()) {
    c.mail.password = e;
  } else if (!c.mail.password_file.empty()) {
    c.mail.password = read_secret_file(c.resolve(c.mail.password_file), "mail.password_file");
  }
  return c;
}

}  // namespace yuqing
