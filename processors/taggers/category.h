// Category on the standard 3-level government-message classification
// (shared/data/topics/gov_taxonomy/message_taxonomy_3level.csv): every document gets a level-1
// class and, when its terms point at one, a level-2 class of that level-1.
//
// Rules live in configs/taxonomy.yaml: per level-1 class, weighted terms that signal the class in
// general and weighted terms per level-2 class. A level-1 scores the summed weight of its distinct
// matched terms (its own and all its level-2s'); the best level-1 wins, its best level-2 is named
// when it scored. A text without any term gets the configured `fallback` level-1 with score 0.
// Terms match whole tokens or token runs (processors/terms.h) and, for category only, also inside a
// longer lexicon word: headlines pack terms into compounds (房价 inside the lexicon word 高房价), and
// a category is a coarse call where such a hit is still evidence.
// The reported score is the winner's share of all matched weight (1 = unambiguous).
//
// Contract: built once from the YAML, then immutable; tag() is const and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/yaml_reader.h"
#include "processors/text/terms.h"

namespace yuqing::processors {

struct CategoryResult {
  std::string level1, level2;
  double score = 0;
  std::vector<std::string> evidence;
};

class CategoryTagger {
 public:
  explicit CategoryTagger(YamlSection root);
  CategoryTagger(const CategoryTagger&) = delete;  // by_text_ views the index's strings
  CategoryTagger& operator=(const CategoryTagger&) = delete;
  CategoryResult tag(std::string_view text, const std::vector<Token>& tokens) const;
  const std::vector<std::string>& terms() const { return index_.terms(); }
  std::vector<std::string> level1_names() const;

 private:
  struct Class {
    std::string name;
    std::vector<std::string> level2;
  };
  struct Signal {
    uint32_t level1;
    int level2;  // -1: the level-1 in general
    double weight;
  };
  std::vector<Class> classes_;
  std::string fallback_;
  TermIndex index_;
  std::unordered_map<std::string_view, uint32_t> by_text_;  // term text (views into index_) -> id
  std::vector<std::vector<Signal>> signals_;                 // by term id
};

}  // namespace yuqing::processors
