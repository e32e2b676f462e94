// Analyzer: one document in, its tags out — the code path shared by `yuqing process` (Kafka) and
// `yuqing analyze` (stdin).
//
// Contract: built once from the config files (configs/issues.yaml, places.yaml, cues.yaml), then
// immutable; analyze() is const and thread-safe. A bad rule file is a ConfigError at construction
// naming the file and YAML path. Every tag carries its evidence (the terms that produced it).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/document.h"

namespace yuqing::processors {

struct IssueRule {
  std::string name;
  std::vector<std::string> lead;
  std::vector<std::string> departments;
  std::vector<std::pair<std::string, double>> terms;
  std::vector<std::string> exclude;
};

struct PlaceRule {
  std::string name;
  std::vector<std::string> aliases;
};

struct Rules {
  double issue_threshold = 1.0;
  std::vector<IssueRule> issues;
  std::vector<PlaceRule> places;
  std::vector<std::pair<std::string, double>> positive, negative;
  std::vector<std::string> negators;
  std::vector<std::pair<std::string, std::vector<std::string>>> intents;  // in priority order
};

// Loads the three rule files from `configs_dir`.
Rules load_rules(const std::filesystem::path& configs_dir);

class Analyzer {
 public:
  explicit Analyzer(Rules rules) : rules_(std::move(rules)) {}
  Tags analyze(const Document& doc) const;

 private:
  Rules rules_;
};

}  // namespace yuqing::processors
