// The YAML config loader (core/config.h): the bytes as configs/pipeline.yaml. Contract checked:
// read_config_file either returns a Config or throws ConfigError (naming the file); any other
// exception escapes and libFuzzer reports it.
#include <unistd.h>

#include <fstream>

#include "core/config.h"
#include "core/status.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One file per process, removed at exit.
  static const struct TempFile {
    std::string path = "/tmp/yuqing-fuzz-config-" + std::to_string(getpid()) + ".yaml";
    ~TempFile() { unlink(path.c_str()); }
  } file;
  const std::string& path = file.path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const Config c = read_config_file(path);
    (void)config_yaml(c);
  } catch (const ConfigError& e) {
    if (std::string_view(e.what()).find(path) == std::string_view::npos) fuzz::fail("ConfigError without the file", e.what());
  }
  return 0;
}
