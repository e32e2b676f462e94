// Training the processors' models from the shared data (../shared/data, never copied into the repo).
// `yuqing train sentiment` and `yuqing train keywords` call these; models/README.md records the
// commands and the held-out figures they reached.
//
// Sentiment: NB-weighted logistic regression over character 1–3-grams of the normalised text
// (processors/sentiment_model.h). Three kinds of data, never mixed:
//   held out (scored only by the final model, never used to choose anything):
//     weibo2018 train rows whose id hashes (FNV-1a 32) to 0 mod 10, ChnSentiCorp dev, and the
//     weibo_senti_100k rows whose text hashes to 0 mod 10 (only its dev split is shipped, so it is
//     trained on 90% of that split and measured on the other 10%);
//   validation (for choosing hyper-parameters and the model/lexicon mix): the training-pool rows
//     whose text hashes ("validation:" + text) to 0 mod 10, in every corpus;
//   training: the rest of weibo2018, weibo_senti_100k, ChnSentiCorp train and online_shopping_10_cats,
//     minus every row whose text (whitespace removed) equals a held-out text — ChnSentiCorp dev
//     reviews recur verbatim in ChnSentiCorp train and in online_shopping.
// `--validate` trains without the validation rows and scores them; the final model trains on
// training + validation and scores the held-out sets. tests/eval/sentiment_eval.py slices the same
// way. The solver is deterministic: the same data give the same model file, byte for byte.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "processors/text/normalize.h"
#include "processors/text/segment.h"

namespace yuqing::processors {

struct LabelledText {
  int label = 0;  // 1 positive, 0 negative
  std::string text;
  std::string corpus;  // weibo2018, weibo_senti_100k, chnsenticorp, online_shopping
};

struct SentimentData {
  std::vector<LabelledText> train;       // without the validation rows
  std::map<std::string, std::vector<LabelledText>> validation;  // corpus -> its validation rows
  std::map<std::string, std::vector<LabelledText>> eval;        // name -> held-out set
  size_t dropped_as_heldout = 0;         // training rows whose text is also a held-out text
};

// Reads the corpora under `data_dir` (the shared data root). Throws std::runtime_error naming a
// missing file.
SentimentData load_sentiment_data(const std::filesystem::path& data_dir);

struct SentimentTrainOptions {
  std::filesystem::path data_dir;
  std::filesystem::path output;        // gzip'd model file (processors/sentiment_model.h)
  bool validate = false;               // train without the validation rows and score them, not the held-out sets
  int weibo_repeat = 2;                // weibo2018 and weibo_senti_100k rows are trained on this many times
  double c = 0.1;                      // liblinear's C
  int min_count = 3;                   // n-grams in fewer training rows are dropped
  double min_weight = 0.005;           // n-grams whose |weight| is below this are left out of the model file
};

struct EvalFigures {
  size_t n = 0;
  double accuracy = 0;
  double negative_f1 = 0;
};

EvalFigures score_binary(const std::vector<int>& gold, const std::vector<int>& predicted);

// Trains and saves the model; returns the model-only figures on every held-out set (or, with
// `validate`, on every validation slice).
std::map<std::string, EvalFigures> train_sentiment(const SentimentTrainOptions& options, const Normalizer& normalizer);

// Keywords background: document frequencies of the segmenter's words over the shared corpora,
// written as "word<TAB>idf" lines (words with df >= min_df, at most max_words of them).
struct KeywordTrainOptions {
  std::filesystem::path data_dir;
  std::filesystem::path output;
  int min_df = 3;
  int max_words = 60000;
};
size_t train_keywords(const KeywordTrainOptions& options, const Normalizer& normalizer, const Segmenter& segmenter);

// Category: one-vs-rest NB-weighted logistic regression over character 1–3-grams
// (processors/category_model.h) on the real citizen messages of ../shared/data/topics/gov_messages
// (7 of the 15 level-1 classes). Two files hold them: messages_raw.csv (`level1,text`, subject and
// body joined) and messages_segmented.csv (`level1,words`: word-split, stop words removed; it holds
// the raw messages too, so the split is by message, not by file).
//   test (held out, scored only by the final model, never used to choose anything): the raw messages
//     whose text hashes (FNV-1a 32) to 0 mod 5 (message_in_test_split);
//   validation (for choosing hyper-parameters and the model/rules mix): the other raw messages whose
//     "validation:" + text hashes to 0 mod 5;
//   training: every other raw message and every segmented row, minus
//     - the copies of a held-out message: a row at least kHeldOutCopy of whose character bigrams
//       (for a segmented row, the bigrams inside its words) occur in one held-out message. This
//       catches the segmented copy of each held-out message (stop words removed, so no exact
//       match is possible) and the near-copies the contest set holds (the same body under another
//       subject line);
//     - segmented rows that are a copy (kSameMessage) of a raw training message: that message is
//       trained on once, in its raw form.
// Segmented rows are trained on with their words joined (the analyzer sees unspaced text).
struct LabelledMessage {
  std::string level1;
  std::string text;
  bool segmented = false;  // from messages_segmented.csv (words joined)
};

inline constexpr double kHeldOutCopy = 0.6;
inline constexpr double kSameMessage = 0.9;

bool message_in_test_split(std::string_view text);
bool message_in_validation_split(std::string_view text);  // only for texts not in the test split

struct MessageData {
  std::vector<LabelledMessage> train;
  std::vector<LabelledMessage> heldout;  // the test split, or with `validate` the validation slice
  size_t raw_rows = 0, segmented_rows = 0;
  size_t dropped_heldout_copies = 0;  // training candidates dropped as copies of a held-out message
  size_t dropped_raw_copies = 0;      // segmented rows dropped as copies of a raw training message
};

// Throws std::runtime_error naming a missing file.
MessageData load_message_data(const std::filesystem::path& data_dir, bool validate);

struct CategoryTrainOptions {
  std::filesystem::path data_dir;
  std::filesystem::path output;  // gzip'd model file (processors/category_model.h)
  bool validate = false;         // train without the validation slice (and the test split) and score the slice
  double c = 0.3;                // chosen on the validation slice (docs/BENCHMARKS.md)
  int min_count = 2;
  double min_weight = 0.03;       // keeps the file at 0.7 MB
  double balance = 0;             // class rows weigh (other rows / class rows)^balance
};

struct ClassFigures {
  size_t n = 0;  // held-out messages of the class
  double precision = 0, recall = 0, f1 = 0;
};
struct CategoryFigures {
  size_t n = 0;
  double accuracy = 0, macro_f1 = 0;
  std::map<std::string, ClassFigures> per_class;
};

// Per-class precision, recall and F1 over the gold classes (a prediction of any other class is a
// miss), macro-F1 their unweighted mean.
CategoryFigures score_classes(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);

// Trains and saves the model; returns the model's own figures (argmax over its classes) on the
// held-out messages.
CategoryFigures train_category(const CategoryTrainOptions& options, const Normalizer& normalizer);

}  // namespace yuqing::processors
