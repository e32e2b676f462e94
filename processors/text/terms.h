// TermIndex: finds configured terms in a segmented text. A term matches when it equals one token or
// a run of up to kMaxRun consecutive tokens — never the middle of a word, so 涧头 does not match in
// 山涧头上 once the segmenter has read 山涧. Every term is also given to the segmenter as a user
// term, which keeps it whole wherever it occurs.
//
// Contract: filled once, then immutable; find() is const and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "processors/text/segment.h"

namespace yuqing::processors {

struct TermHit {
  uint32_t term = 0;    // id returned by add()
  uint32_t offset = 0;  // byte offset of the match in the segmented text
  uint32_t length = 0;  // bytes
};

class TermIndex {
 public:
  static constexpr size_t kMaxRun = 4;

  // Returns the id of `term` (the same id when added twice).
  uint32_t add(const std::string& term);
  const std::string& term(uint32_t id) const { return terms_[id]; }
  const std::vector<std::string>& terms() const { return terms_; }

  // Every match in `text` (the string the tokens view), in text order.
  std::vector<TermHit> find(std::string_view text, const std::vector<Token>& tokens) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> terms_;
  // Two cheap filters ahead of the map lookups, which cost cache misses. starts_: bit (code point &
  // 0xFFFF) is set when some term starts with that character — most tokens start no term, and find()
  // skips them without hashing. hashes_: bit (hash & 0xFFFF) is set for the hash of every term — a
  // run that starts like a term but is none (most of those left) fails this test, 8 KB that stay in
  // cache, and only runs that pass it are looked up.
  std::vector<bool> starts_ = std::vector<bool>(1 << 16, false);
  std::vector<bool> hashes_ = std::vector<bool>(1 << 16, false);
  size_t longest_ = 0;  // bytes
};

// Byte distance between two hits (0 when they overlap).
inline uint32_t distance(const TermHit& a, const TermHit& b) {
  if (a.offset + a.length <= b.offset) return b.offset - (a.offset + a.length);
  if (b.offset + b.length <= a.offset) return a.offset - (b.offset + b.length);
  return 0;
}

}  // namespace yuqing::processors
