// Word segmentation over friso's dictionaries (Debian friso-dict) plus the project's own user
// dictionary (taxonomy, gazetteer, departments, policy and cue terms), so that place, department
// and policy names stay whole.
//
// Why not libfriso's own tokenizer: measured on ChnSentiCorp dev (one core), its mmseg complex mode
// segments 0.9 MB/s and its simple mode 1.8 MB/s — slower than the rest of the analyzer combined.
// This segmenter reads the same lexicons (the __LEX_CJK_WORDS__ list of friso.lex.ini, located
// through configs/friso.ini's friso.lex_dir) into a trie and picks, per run of CJK characters, the
// segmentation with the fewest words (ties: fewer unknown single characters, then the more frequent
// single characters, from friso's lex-chars.lex) — the core of mmseg's rules, in one linear DP.
// User-dictionary terms cost less than lexicon words, so they win every tie they take part in.
// Latin letters/digits runs, emoji, punctuation and Weibo emoticons such as [怒] are single tokens.
//
// Contract: built once (loading ~190k words, ~0.1 s), then immutable; segment() is const and
// thread-safe. Tokens are views into the text passed to segment(), which must outlive them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "processors/text/flat_table.h"

namespace yuqing::processors {

enum class TokenKind : uint8_t { word, user_term, latin, emoticon, emoji, punct };

struct Token {
  std::string_view text;
  uint32_t offset = 0;  // byte offset in the segmented text
  TokenKind kind = TokenKind::word;
};

class Segmenter {
 public:
  // Reads friso's ini (`friso.lex_dir`) and the lexicons its friso.lex.ini lists as CJK words.
  // Throws ConfigError when the ini or a lexicon cannot be read.
  explicit Segmenter(const std::filesystem::path& friso_ini);
  // A segmenter over an explicit word list (tests).
  explicit Segmenter(const std::vector<std::string>& words);

  // Adds a user-dictionary term (any length); call before the segmenter is shared.
  void add_user_term(std::string_view term);

  std::vector<Token> segment(std::string_view text) const;
  size_t size() const { return words_; }

 private:
  // Work arrays of segment_cjk, reused across the CJK runs of one segment() call (a text has a run
  // between every two punctuation marks; fresh arrays per run cost more than the segmentation).
  struct Work {
    std::vector<uint32_t> offsets;
    std::vector<char32_t> cps;
    std::vector<double> cost;
    std::vector<uint32_t> next;
    std::vector<uint8_t> kind;
  };

  void add(std::string_view word, uint8_t kind);
  void segment_cjk(std::string_view text, size_t begin, size_t end, Work& work, std::vector<Token>& out) const;
  uint32_t child(uint32_t node, char32_t cp) const;
  void set_rarity(char32_t cp, uint32_t frequency);

  // Trie. The root's children are a flat array indexed by code point (every position of every text
  // starts there); deeper edges parent --cp--> child live in a FlatTable keyed by
  // (parent << 21 | cp) — std::unordered_map's node-per-entry layout made segmentation the hot
  // path. kind_[node] is 0 (no word), 1 (lexicon word) or 2 (user term).
  static constexpr char32_t kRootSpan = 0x30000;  // CJK lives below (the BMP and plane 2)
  static uint64_t edge_key(uint32_t parent, char32_t cp) { return (uint64_t(parent) << 21) | cp; }
  std::vector<uint32_t> root_;
  FlatTable<uint32_t> edges_;
  std::vector<uint8_t> kind_;
  // Cost of a single character alone, by code point: 1 / ln(frequency + 2.72) from lex-chars.lex.
  std::vector<double> rarity_;
  size_t words_ = 0;
};

}  // namespace yuqing::processors
