// Sentiment: label positive | neutral | negative, a score in [-1, 1] (sign = polarity) and the
// evidence behind it.
//
// Two parts, combined:
// - a trained model over the normalised text's character n-grams (processors/sentiment_model.h;
//   models/sentiment.tsv.gz, rebuilt by `yuqing train sentiment`) — it carries the accuracy, and its
//   strongest n-grams join the evidence;
// - lexicon rules from configs/cues.yaml — they carry the explanation and the cases a bag of
//   n-grams misses: negation (不满意), degree words (非常/有点), contrast (…，但是… weighs the part
//   after the turn), rhetorical questions (难道…吗？), sarcasm markers (呵呵, 好棒棒) that turn
//   praise into criticism, and Weibo emoticons ([怒], [赞]) and emoji.
// score = model_weight · (2·P(positive) − 1) + (1 − model_weight) · lexicon score when a model is
// loaded, else the lexicon score; |score| < neutral_band is neutral, and |score| <
// neutral_band_without_cues when no lexicon cue fired (a text without a single opinion word, turn
// or emoticon is most likely objective: news, notices).
//
// Contract: built once from the YAML (and the model file it names), then immutable; tag() is const
// and thread-safe. A missing or unreadable model named in the YAML is a ConfigError.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/yaml_reader.h"
#include "processors/text/segment.h"
#include "processors/taggers/sentiment_model.h"

namespace yuqing::processors {

struct SentimentResult {
  std::string label = "neutral";
  double score = 0;
  double model_score = 0;    // 2·P(positive) − 1, 0 without a model
  double lexicon_score = 0;
  bool rhetorical_question = false;  // 难道…吗？: asks nothing (intent reads it as a complaint)
  std::vector<std::string> evidence;
};

class SentimentTagger {
 public:
  // `section` is cues.yaml's `sentiment` mapping; a relative `model` path resolves against `base`.
  // `load_model` false skips the model (training builds the segmenter before a model exists).
  SentimentTagger(YamlSection section, const std::filesystem::path& base, bool load_model = true);
  ~SentimentTagger();
  SentimentTagger(const SentimentTagger&) = delete;
  SentimentTagger& operator=(const SentimentTagger&) = delete;

  // `normalized` is the text the tokens were segmented from (the model reads characters, the
  // lexicon rules read tokens).
  SentimentResult tag(std::string_view normalized, const std::vector<Token>& tokens) const;
  bool has_model() const { return model_ != nullptr; }
  // Every cue term, for the segmenter's user dictionary.
  std::vector<std::string> terms() const;

 private:
  double lexicon(const std::vector<Token>& tokens, SentimentResult& r) const;  // sets the lexicon's parts of r

  std::unordered_map<std::string, double> polarity_;  // term -> signed weight
  std::unordered_map<std::string, double> degree_;    // 非常 -> 1.5, 有点 -> 0.6
  std::unordered_map<std::string, bool> negators_, contrast_, rhetorical_, sarcasm_;
  int negation_window_ = 3;  // tokens looked back for negators and degree words
  double model_weight_ = 0.75;
  double neutral_band_ = 0.2;
  double neutral_band_without_cues_ = 0.4;
  std::unique_ptr<NgramSentimentModel> model_;
};

}  // namespace yuqing::processors
