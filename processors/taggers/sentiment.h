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
// Official text — a government reply, an article (news, announcements) — is neutral unless it
// states an opinion: for the `official` kinds only an opinion cue makes a text polar — a lexicon
// word of weight ≥ official.opinion_weight (满意, 点赞, 不满, 没人管: not the routine words of a
// report such as 及时, 顺利, 改善, 做好), an emoticon of that weight, a rhetorical question or sarcasm —
// and then |score| ≥ official.band; without one the text is neutral whatever the model says. Courtesy formulas are not opinions in
// any kind: a clause that opens with a thank-you to the reader (感谢您, 谢谢您…) and names what it
// thanks for (来信, 留言, 关心和支持, 监督…) is left out of both the model and the lexicon
// (evidence "courtesy:…"), so 感谢您的来信 neither makes a reply positive nor counts as a cue.
//
// Contract: built once from the YAML (and the model file it names), then immutable; tag() is const
// and thread-safe. A missing or unreadable model named in the YAML is a ConfigError.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/document.h"
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
  // lexicon rules read tokens); `kind` is the document's (official kinds lean neutral).
  // `grams`, when given, are char_ngrams(normalized) built by the caller (the category model reads
  // them too); the model still builds its own when it must read the text without courtesy clauses.
  SentimentResult tag(std::string_view normalized, const std::vector<Token>& tokens,
                      DocKind kind = DocKind::post, const std::vector<uint64_t>* grams = nullptr) const;
  bool has_model() const { return model_ != nullptr; }
  // Every cue term, for the segmenter's user dictionary.
  std::vector<std::string> terms() const;

 private:
  // Sets the lexicon's parts of r; tokens whose `skip` is set (courtesy formulas) are not read.
  // `opinion` tells whether an opinion cue fired (see official above).
  double lexicon(const std::vector<Token>& tokens, const std::vector<bool>& skip, SentimentResult& r, bool& opinion) const;
  // Marks the tokens of courtesy clauses in `skip` and returns them (for the evidence).
  std::vector<std::string> courtesy(std::string_view normalized, const std::vector<Token>& tokens,
                                    std::vector<bool>& skip) const;

  std::unordered_map<std::string, double> polarity_;  // term -> signed weight
  std::unordered_map<std::string, double> degree_;    // 非常 -> 1.5, 有点 -> 0.6
  std::unordered_map<std::string, bool> negators_, contrast_, rhetorical_, sarcasm_;
  std::vector<std::string> courtesy_openers_, courtesy_objects_;
  std::vector<DocKind> official_kinds_;
  double official_band_ = 0.2;
  double opinion_weight_ = 0.8;
  int negation_window_ = 3;  // tokens looked back for negators and degree words
  double model_weight_ = 0.75;
  double neutral_band_ = 0.2;
  double neutral_band_without_cues_ = 0.4;
  std::unique_ptr<NgramSentimentModel> model_;
};

}  // namespace yuqing::processors
