// Keywords per document by TF-IDF against a background built from the shared corpora
// (models/keywords_idf.tsv, rebuilt by `yuqing train keywords`). Candidates are words of two or more
// characters and user-dictionary terms; stopwords (friso's lex-stopword.lex plus `stopwords` in
// the config) never count. Words missing from the background get the background's highest IDF:
// rare words are exactly what emerging-term detection looks for.
//
// Contract: built once, then immutable; tag() is const and thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "processors/segment.h"

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
  std::unordered_map<std::string, float, Hash, std::equal_to<>> idf_;
  std::unordered_set<std::string, Hash, std::equal_to<>> stopwords_;
  float max_idf_ = 10;
  int top_ = 8;
};

}  // namespace yuqing::processors
