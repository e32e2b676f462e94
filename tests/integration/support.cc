#include "tests/integration/support.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "storage/clickhouse/client.h"

namespace yuqing::testing {

Config isolated_config(const std::string& name) {
  Config c = load_config("configs/pipeline.yaml");
  const std::string prefix = "t_" + name + "_" + std::to_string(::getpid());
  c.kafka.raw_topic = prefix + ".raw";
  c.kafka.enriched_topic = prefix + ".enriched";
  c.kafka.dead_letter_topic = prefix + ".dead-letter";
  c.processor.group = prefix + ".processors";
  c.sink.group = prefix + ".sink";
  c.clickhouse.database = prefix;
  c.sink.batch_ms = 200;
  c.mail.outbox_dir = (std::filesystem::temp_directory_path() / (prefix + "_outbox")).string();  // its own mail
  return c;
}

std::filesystem::path write_config_file(const Config& c) {
  namespace fs = std::filesystem;
  const fs::path home = fs::temp_directory_path() / (c.clickhouse.database + "_home");
  fs::create_directories(home / "configs");
  const fs::path file = home / "configs" / "pipeline.yaml";
  std::ofstream out(file);
  out << "kafka:\n  brokers: \"" << c.kafka.brokers << "\"\n  raw_topic: " << c.kafka.raw_topic
      << "\n  enriched_topic: " << c.kafka.enriched_topic << "\n  dead_letter_topic: " << c.kafka.dead_letter_topic
      << "\n  partitions: " << c.kafka.partitions << "\n"
      << "clickhouse:\n  url: " << c.clickhouse.url << "\n  database: " << c.clickhouse.database
      << "\n  user: " << c.clickhouse.user << "\n  password_file: " << c.resolve(c.clickhouse.password_file).string() << "\n"
      << "crawler:\n  sources_file: " << c.resolve(c.crawler.sources_file).string() << "\n"
      << "processor:\n  group: " << c.processor.group << "\n  rules_dir: " << c.resolve(c.processor.rules_dir).string() << "\n"
      << "sink:\n  group: " << c.sink.group << "\n  batch_ms: " << c.sink.batch_ms << "\n"
      << "sandbox:\n  port: " << c.sandbox.port << "\n  seed: " << c.sandbox.seed
      << "\n  scenario: " << c.resolve(c.sandbox.scenario).string() << "\n"
      << "mail:\n  url: " << c.mail.url << "\n  outbox_dir: " << c.resolve(c.mail.outbox_dir).string() << "\n";
  return file;
}

namespace {

bool port_is_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int free_port_block(int count) {
  // Below the kernel's ephemeral range (32768+), so outgoing connections never hold these ports.
  constexpr int kFirst = 20000, kLast = 32000;
  const int blocks = (kLast - kFirst) / count;
  for (int i = 0; i < blocks; ++i) {
    const int base = kFirst + (::getpid() + i) % blocks * count;
    bool all_free = true;
    for (int k = 0; k < count && all_free; ++k) all_free = port_is_free(base + k);
    if (all_free) return base;
  }
  return -1;
}

void drop_database(const Config& c) {
  ClickHouseOptions o = c.clickhouse;
  o.database = "default";
  clickhouse::Client(o).execute("DROP DATABASE IF EXISTS " + c.clickhouse.database);
}

CliOutcome run_cli(const std::string& binary, const std::string& args) {
  const std::string cmd = binary + " " + args + " 2>&1";
  CliOutcome r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace yuqing::testing
