// Keywords per document by TF-IDF against a background built from the shared corpora
// (models/keywords_idf.tsv, rebuilt by `yuqing train keywords`). Candidates are words of two or more
// characters and user-dictionary terms; stopwords (friso's lex-stopword.lex plus `stopwords` in
// the config) never count. Words missing from the background get the background's highest IDF:
// rare words are exactly what emerging-term detection looks for.
//
// Contract: built once, then immutable; tag() is const and thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "processors/text/segment.h"

namespace yuqing::processors {

class KeywordTagger {
 public:
  // `idf_file` holds "word<TAB>idf" lines ('#' lines are comments); throws ConfigError when unreadable.
  KeywordTagger(const std::filesystem::path& idf_file, std::vector<std::string> stopwords, int top);
  std::vector<std::string> tag(const std::vector<Token>& tokens) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // The background (~35k words), looked up once per candidate token, as one open-addressing table
  // over a string pool: a lookup touches a slot and, on a hash match, the pool — where a
  // std::unordered_map took a bucket, a node and often the string's own allocation (cache misses
  // that made this lookup the analyzer's hottest line), and 35k allocations at start-up.
  struct Slot {
    uint32_t hash = 0;    // low bits of the word's hash
    uint32_t offset = 0;  // the word in pool_
    uint32_t length = 0;  // bytes; 0 = empty slot
    float idf = 0;
  };
  void add_idf(std::string_view word, float idf);  // keeps the first IDF of a word listed twice
  const Slot* find_idf(std::string_view word) const;
  std::string pool_;
  std::vector<Slot> slots_;  // size a power of two, at most half full
  size_t words_ = 0;
  std::unordered_set<std::string, Hash, std::equal_to<>> stopwords_;
  float max_idf_ = 10;
  int top_ = 8;
};

}  // namespace yuqing::processors
