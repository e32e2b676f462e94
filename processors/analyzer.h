// Analyzer: one document in, its tags out — the code path shared by `yuqing process` (Kafka) and
// `yuqing analyze` (stdin). The pipeline, in order:
//   normalize (NFKC, invisible characters, 繁→简 only where traditional characters occur)
//   → segment (friso-dict lexicons + user dictionary of every configured term)
//   → stories (exact + near duplicates) → places → category (trained model + taxonomy rules)
//     → policy issues (+ departments)
//     (places, category and issues fall back on what the parent is about, Document::context, when
//     the text has none — the category also when the text's own evidence is weaker)
//   → sentiment (character n-gram model + lexicon rules; official kinds — replies, articles —
//     neutral unless they state an opinion) → intent (a government reply: news; a
//     citizen's negative comment, post or message without cues, or a rhetorical question: complaint)
//   → keywords.
// Each step is its own file in processors/ with its own contract.
//
// Configuration: `configs_dir` holds analyzer.yaml (segmenter, OpenCC, keywords, stories), cues.yaml
// (sentiment, intent), issues.yaml, places.yaml, taxonomy.yaml (category rules and model); model paths in them are relative to
// `configs_dir`. A bad file is a ConfigError at construction naming the file and YAML path.
//
// Contract: built once (~0.2 s: lexicons and models), then analyze() is thread-safe; it is const
// except for the story index, which has its own lock and bounded size (processors/stories.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/document.h"

namespace yuqing::processors {

class Normalizer;
class Segmenter;
class SentimentTagger;
class CategoryTagger;
class IssueTagger;
class IntentTagger;
class PlaceTagger;
class KeywordTagger;
class StoryTracker;

class Analyzer {
 public:
  explicit Analyzer(const std::filesystem::path& configs_dir);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  Tags analyze(const Document& doc) const;

  const Normalizer& normalizer() const { return *normalizer_; }
  const Segmenter& segmenter() const { return *segmenter_; }
  const SentimentTagger& sentiment() const { return *sentiment_; }
  // The story index: the processor shares it across instances (StoryTracker::set_log).
  StoryTracker& stories() const { return *stories_; }

 private:
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<Segmenter> segmenter_;
  std::unique_ptr<SentimentTagger> sentiment_;
  std::unique_ptr<CategoryTagger> category_;
  std::unique_ptr<IssueTagger> issues_;
  std::unique_ptr<IntentTagger> intent_;
  std::unique_ptr<PlaceTagger> places_;
  std::unique_ptr<KeywordTagger> keywords_;
  std::unique_ptr<StoryTracker> stories_;
};

// Segmenter alone, as the analyzer builds it from `configs_dir` (training uses it so that models
// see the same tokens in training and in production).
std::unique_ptr<Segmenter> load_segmenter(const std::filesystem::path& configs_dir);

}  // namespace yuqing::processors
