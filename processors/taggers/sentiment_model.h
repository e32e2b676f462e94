// The trained half of sentiment: naive-Bayes-weighted logistic regression (NBSVM, Wang & Manning
// 2012) over the character 1–3-grams of the normalised text.
//
// Why this model: on the validation slices of the shared corpora it beat the fastText model it
// replaced (weibo2018 0.81 → 0.86, ChnSentiCorp 0.89 → 0.90, docs/BENCHMARKS.md), it does not
// depend on the segmenter (a new user-dictionary term cannot shift it), and scoring is one hash
// lookup per n-gram. Features are binary (the n-gram occurs or not); the logistic-regression
// weight of each n-gram times its NB log-count ratio is folded into one number at training time,
// so scoring is logit = bias + Σ weight(n-gram), P(positive) = 1 / (1 + e^−logit).
//
// Training (train_ngram_model) uses liblinear: L2-regularised logistic regression, the primal
// trust-region Newton solver, which is deterministic — the same rows give the same file, byte for
// byte.
//
// Model file: gzip'd text, UTF-8. Lines starting with '#' before the bias line are comments; then
// `bias<TAB>w`; then one `n-gram<TAB>w` per n-gram, sorted by n-gram (an n-gram may start with '#'). N-grams never hold a tab or a newline: whitespace runs
// become one space before n-grams are taken.
//
// Contract: a NgramSentimentModel is loaded once, then immutable; positive() is const and
// thread-safe. Loading a missing or malformed file throws std::runtime_error naming the file (and
// the line).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processors/text/flat_table.h"

namespace yuqing::processors {

// The distinct character 1–3-grams of a normalised text, each packed into one key (21 bits per code
// point), sorted. ASCII letters are lowered and whitespace runs become one space first. Training and
// scoring share it, so they cannot drift.
std::vector<uint64_t> char_ngrams(std::string_view normalized);
std::string ngram_text(uint64_t key);

class NgramSentimentModel {
 public:
  explicit NgramSentimentModel(const std::filesystem::path& file);

  struct Contribution {
    std::string ngram;
    double weight = 0;  // its share of the logit, signed
  };
  // P(positive) of a normalised text; `strongest`, when given, receives the `k` n-grams that moved
  // the logit most (largest |weight| first) — the model's evidence.
  double positive(std::string_view normalized, std::vector<Contribution>* strongest = nullptr, size_t k = 3) const;
  // The same from the text's char_ngrams(), when the caller built them already.
  double positive(const std::vector<uint64_t>& grams, std::vector<Contribution>* strongest = nullptr, size_t k = 3) const;
  size_t size() const { return weights_.size(); }

 private:
  // Packed n-gram (code points side by side, never 0) -> folded weight.
  FlatTable<float> weights_;
  double bias_ = 0;
};

struct NgramTrainOptions {
  double c = 0.1;      // liblinear's C: lower regularises harder
  int min_count = 3;   // n-grams in fewer training rows than this are dropped
  double epsilon = 0.01;
  double min_weight = 0;  // n-grams whose folded |weight| is below this are left out of the file
  double positive_weight = 1;  // liblinear's weight of the rows labelled 1 (> 1 for a rare class)
};

struct NgramTrainRow {
  int label = 0;  // 1 positive, 0 negative
  std::string normalized;
};

// Trains on `rows` (a row listed twice weighs twice) and writes the model file. Returns the number
// of n-grams kept.
size_t train_ngram_model(const std::vector<NgramTrainRow>& rows, const NgramTrainOptions& options,
                         const std::filesystem::path& output);

}  // namespace yuqing::processors
