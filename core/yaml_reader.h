// YamlSection: read one YAML mapping into an options struct, strictly.
//
// Every value read names its full YAML path, so errors read "configs/pipeline.yaml: kafka.partitions:
// expected an integer, got 'three'". finish() rejects keys nobody asked for: a typo in a config file is
// an error at start-up, never a silently ignored setting. Errors are thrown as ConfigError.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace yuqing {

class YamlSection {
 public:
  // `file` is only used in error messages; `path` is the dotted path of `node` ("" for the root).
  YamlSection(YAML::Node node, std::string file, std::string path = {});

  bool has(const std::string& key) const;

  // Reads `key` into `out` when present; leaves `out` (the documented default) untouched otherwise.
  void read(const std::string& key, std::string& out);
  void read(const std::string& key, bool& out);
  void read(const std::string& key, int& out, int min, int max);
  void read(const std::string& key, long& out, long min, long max);
  void read(const std::string& key, double& out, double min, double max);
  void read(const std::string& key, std::vector<std::string>& out);
  void read(const std::string& key, std::map<std::string, std::string>& out);  // flat string map

  // A nested mapping; an absent key gives an empty section so defaults apply.
  YamlSection child(const std::string& key);
  // A sequence of mappings.
  std::vector<YamlSection> children(const std::string& key);
  // Keys of this mapping, for maps keyed by user-chosen names.
  std::vector<std::string> keys() const;
  // Marks `key` as known without reading it (for keys the caller interprets itself).
  void accept(const std::string& key);

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  // Throws if the mapping holds keys that were never read.
  void finish() const;

  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

 private:
  std::optional<YAML::Node> value(const std::string& key);  // nullopt when absent or null
  std::string key_path(const std::string& key) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  std::set<std::string> seen_;
};

// Loads a YAML file; a missing file or syntax error becomes a ConfigError naming the file and line.
YAML::Node load_yaml_file(const std::string& path);

}  // namespace yuqing
