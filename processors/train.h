// Training the processors' models from the shared data (../shared/data, never copied into the repo).
// `yuqing train sentiment` and `yuqing train keywords` call these; models/README.md records the
// commands and the held-out figures they reached.
//
// Sentiment: fastText (supervised, softmax, word n-grams over the segmenter's tokens, character
// n-grams within tokens), trained on
//   weibo2018 train minus its held-out slice (ids whose FNV-1a hash ≡ 0 mod 10),
//   ChnSentiCorp train, online_shopping_10_cats (all of it; no evaluation uses it);
// evaluated on data it never saw: the weibo2018 slice, ChnSentiCorp dev, weibo_senti_100k dev.
// The autotune validation slice is carved from the training pool (line hash ≡ 0 mod 20), never from
// an evaluation set. With a fixed seed and one thread the result is the same bit for bit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "processors/normalize.h"
#include "processors/segment.h"

namespace yuqing::processors {

struct LabelledText {
  int label = 0;  // 1 positive, 0 negative
  std::string text;
};

struct SentimentData {
  std::vector<LabelledText> train;
  std::map<std::string, std::vector<LabelledText>> eval;  // name -> held-out set
};

// Reads the corpora under `data_dir` (the shared data root). Throws std::runtime_error naming a
// missing file.
SentimentData load_sentiment_data(const std::filesystem::path& data_dir);

struct SentimentTrainOptions {
  std::filesystem::path data_dir;
  std::filesystem::path output;        // .ftz (quantized) model
  int autotune_seconds = 0;            // 0: the fixed hyper-parameters below
  int dim = 64;
  int epoch = 8;
  double lr = 0.3;
  int word_ngrams = 2;
  int minn = 1, maxn = 2;
  int bucket = 400000;
  int min_count = 1;
  int cutoff = 150000;                 // quantization keeps this many rows of the input matrix
  int threads = 1;                     // 1 keeps the model reproducible bit for bit
  uint32_t seed = 7;
};

struct EvalFigures {
  size_t n = 0;
  double accuracy = 0;
  double negative_f1 = 0;
};

EvalFigures score_binary(const std::vector<int>& gold, const std::vector<int>& predicted);

// Trains, quantizes and saves the model; returns the model-only figures on every held-out set.
std::map<std::string, EvalFigures> train_sentiment(const SentimentTrainOptions& options, const Normalizer& normalizer,
                                                   const Segmenter& segmenter);

// Keywords background: document frequencies of the segmenter's words over the shared corpora,
// written as "word<TAB>idf" lines (words with df >= min_df, at most max_words of them).
struct KeywordTrainOptions {
  std::filesystem::path data_dir;
  std::filesystem::path output;
  int min_df = 3;
  int max_words = 60000;
};
size_t train_keywords(const KeywordTrainOptions& options, const Normalizer& normalizer, const Segmenter& segmenter);

}  // namespace yuqing::processors
