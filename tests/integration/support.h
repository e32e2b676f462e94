// Shared set-up for integration and e2e tests: the real Kafka and ClickHouse that
// scripts/services.sh started (addresses from configs/pipeline.yaml, or the YUQING_* environment
// variables), with topic, group and database names unique to this test process so runs never see
// each other's data.
#pragma once

#include <filesystem>
#include <string>

#include "core/config.h"

namespace yuqing::testing {

// The shipped config with unique names: topics "<prefix>.raw" etc., database "<prefix>" (with _).
Config isolated_config(const std::string& name);

// Writes `c` as a YAML config file under a fresh temporary home and returns its path; relative
// paths of the shipped config are made absolute so the copy behaves like the original.
std::filesystem::path write_config_file(const Config& c);

// The first port of `count` consecutive loopback ports that are free right now, searched from a
// start that differs between test processes. Fixed bases collided with the services' own ports
// (a demo block at 18120 took ClickHouse's 18123).
int free_port_block(int count);

// Drops the test's database (best effort, for cleanup).
void drop_database(const Config& c);

// `binary args` through the shell, stdout and stderr together, and its exit code (-1 if it did
// not exit normally).
struct CliOutcome {
  int exit_code = -1;
  std::string output;
};
CliOutcome run_cli(const std::string& binary, const std::string& args);

}  // namespace yuqing::testing
