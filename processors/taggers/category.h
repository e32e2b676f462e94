// Category on the standard 3-level government-message classification
// (shared/data/topics/gov_taxonomy/message_taxonomy_3level.csv): a level-1 class when the text gives
// evidence of one, and, when its terms point at one, a level-2 class of that level-1.
//
// Two sources of evidence, combined:
// - a trained model (processors/taggers/category_model.h; models/category.tsv.gz, rebuilt by
//   `yuqing train category`) for the level-1 classes the real citizen messages cover (7 of 15):
//   P(class) for each of them;
// - rules in configs/taxonomy.yaml for all 15: per level-1 class, weighted terms that signal the
//   class in general and terms per level-2 class. A level-1's rule weight W is the summed weight of
//   its distinct matched terms (its own and all its level-2s'); its rule confidence is
//   share · (1 − e^−W), share = W / all matched weight (one unambiguous term of weight 1: 0.63).
// A class's confidence: for a class the model knows, its P and its rule confidence combined as
// independent evidence, 1 − (1 − P)(1 − rules_with_model · q); for the others rule_only_scale · q
// (the rules are the weaker evidence: written, not trained). The most confident class wins and its
// confidence is the reported score. A text with no taxonomy term whose n-grams lift no class's
// logit by min_lift above its bias gets no class (level1 "", a low score: the best prior): 好 alone
// is not filed under a default class. Without a model the rules decide alone.
// rules_with_model and rule_only_scale were chosen on the validation slice of the messages and the
// headline tuning sets (docs/BENCHMARKS.md).
// Terms match whole tokens or token runs (processors/terms.h) and, for category only, also inside a
// longer lexicon word: headlines pack terms into compounds (房价 inside the lexicon word 高房价), and
// a category is a coarse call where such a hit is still evidence. The level-2 is the winner's best
// level-2 by rule weight, when one scored.
//
// Contract: built once from the YAML, then immutable; tag() is const and thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/yaml_reader.h"
#include "processors/taggers/category_model.h"
#include "processors/text/terms.h"

namespace yuqing::processors {

struct CategoryResult {
  std::string level1, level2;  // level1 "" without evidence of any class
  double score = 0;             // the best class's confidence in [0, 1]
  std::vector<std::string> evidence;
};

class CategoryTagger {
 public:
  // A relative `model` path resolves against `base`; `load_model` false (or an empty `base`) skips the
  // model (the segmenter only needs the terms). A missing or unreadable model is a ConfigError.
  explicit CategoryTagger(YamlSection root, const std::filesystem::path& base = {}, bool load_model = false);
  ~CategoryTagger();
  CategoryTagger(const CategoryTagger&) = delete;  // by_text_ views the index's strings
  CategoryTagger& operator=(const CategoryTagger&) = delete;
  // `grams`, when given, are char_ngrams(text) built by the caller (the sentiment model reads them too).
  CategoryResult tag(std::string_view text, const std::vector<Token>& tokens,
                     const std::vector<uint64_t>* grams = nullptr) const;
  const std::vector<std::string>& terms() const { return index_.terms(); }
  std::vector<std::string> level1_names() const;
  std::vector<std::string> level2_names() const;  // of every level-1, in file order
  bool has_model() const { return model_ != nullptr; }

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
  double min_lift_ = 1.0;
  double rules_with_model_ = 0.3;
  double rule_only_scale_ = 1.0;
  TermIndex index_;
  std::unordered_map<std::string_view, uint32_t> by_text_;  // term text (views into index_) -> id
  std::vector<std::vector<Signal>> signals_;                 // by term id
  std::unique_ptr<NgramClassModel> model_;
  std::vector<int> model_class_;                             // level-1 index -> model class, or -1
};

}  // namespace yuqing::processors
