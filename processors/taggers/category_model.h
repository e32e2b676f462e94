// The trained half of the category: one-vs-rest NB-weighted logistic regression over the
// normalised text's character 1–3-grams — the sentiment model's machinery (sentiment_model.h,
// ngram_train.h: char_ngrams, train_ngram_weights) run once per class, each class against all the others.
//
// Why this model: the only in-domain labelled data are real citizen messages of 7 of the 15
// level-1 classes (../shared/data/topics/gov_messages); character n-grams need no segmenter (a new
// taxonomy term cannot shift the model) and scoring is one hash look-up per n-gram for all classes
// at once. Each class keeps its own logistic regression, so P(class) is calibrated against "any other
// message" and a text with no evidence (好) scores low for every class — no class is a default.
//
// Model file: gzip'd text, UTF-8. Lines starting with '#' before the `classes` line are comments;
// then `classes<TAB>name1<TAB>…<TAB>nameK`; then `bias<TAB>b1…<TAB>bK`; then one
// `n-gram<TAB>w1…<TAB>wK` per n-gram (each weight already multiplied by that class's NB ratio; 0
// where the n-gram was pruned for that class), sorted by n-gram.
// logit_k = b_k + Σ w_k(n-gram) over the text's distinct n-grams; P_k = 1 / (1 + e^−logit_k).
//
// Contract: loaded once, then immutable; scores() is const and thread-safe. A missing or malformed
// file throws std::runtime_error naming the file (and the line).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "processors/taggers/ngram_train.h"
#include "processors/taggers/sentiment_model.h"
#include "processors/text/flat_table.h"

namespace yuqing::processors {

class NgramClassModel {
 public:
  explicit NgramClassModel(const std::filesystem::path& file);

  const std::vector<std::string>& classes() const { return classes_; }
  // P(class) for every class, in classes() order. `matched`, when given, receives the model rows of
  // the text's n-grams, for evidence(); `lift`, the most the text's n-grams raised any class's logit
  // above its bias (≈ 0 for a text that says nothing of any class: 好, 谢谢).
  std::vector<double> probabilities(std::string_view normalized, std::vector<uint32_t>* matched = nullptr,
                                    double* lift = nullptr) const;
  // The same from the text's char_ngrams(), when the caller built them already.
  std::vector<double> probabilities(const std::vector<uint64_t>& grams, std::vector<uint32_t>* matched = nullptr,
                                    double* lift = nullptr) const;
  // The `k` matched n-grams that raised class `c`'s logit most, largest first.
  std::vector<std::string> evidence(const std::vector<uint32_t>& matched, size_t c, size_t k = 3) const;
  size_t size() const { return index_.size(); }

 private:
  std::vector<std::string> classes_;
  std::vector<double> bias_;
  FlatTable<uint32_t> index_;  // packed n-gram -> row + 1
  std::vector<float> weights_;  // row-major, classes_.size() per n-gram
  std::vector<uint64_t> keys_;  // by row
};

struct NgramClassRow {
  int label = 0;  // index into the class names
  std::string normalized;
};

// Trains one binary model per class (that class against the rest) and writes the model file; each
// class's rows weigh (other rows / class rows)^balance (0: all rows alike; a rare class otherwise
// loses to the priors of the common ones). Returns the number of n-grams kept (with a weight for at
// least one class).
size_t train_ngram_class_model(const std::vector<NgramClassRow>& rows, const std::vector<std::string>& classes,
                               const NgramTrainOptions& options, const std::filesystem::path& output,
                               const std::string& comment = {}, double balance = 0);

}  // namespace yuqing::processors
