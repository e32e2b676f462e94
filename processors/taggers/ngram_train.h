// The machinery shared by the character n-gram models (sentiment_model.h, category_model.h):
// training one binary NB-weighted logistic regression (NBSVM) in memory, packed n-gram keys from
// their text, and reading a possibly gzip'd model file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "processors/taggers/sentiment_model.h"

namespace yuqing::processors {

// A trained binary model: logit = bias + Σ weight over the text's distinct n-grams (each weight is
// the logistic-regression weight times the n-gram's NB log-count ratio). `weights` holds the
// n-grams with |weight| ≥ max(min_weight, 1e-6), by packed key.
struct NgramWeights {
  double bias = 0;
  std::vector<std::pair<uint64_t, double>> weights;
};

// Label 1 is the positive class. liblinear's L2-regularised logistic regression, primal trust-region
// Newton solver: deterministic, the same rows give the same weights. Throws std::runtime_error on no
// rows or a liblinear parameter error.
NgramWeights train_ngram_weights(const std::vector<NgramTrainRow>& rows, const NgramTrainOptions& options);

// The packed key of a 1–3-character n-gram (as char_ngrams packs it); 0 for any other length.
uint64_t ngram_key(std::string_view gram);

// Writes a model file gzip'd (creating its folder). Throws std::runtime_error naming the file.
void write_model_file(const std::filesystem::path& path, const std::string& text);

// A model file's text, gunzipped when it is gzip'd. Throws std::runtime_error naming the file
// (`what` says which model).
std::string read_model_text(const std::filesystem::path& file, const std::string& what);

}  // namespace yuqing::processors
