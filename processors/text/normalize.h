// Text normalisation ahead of every tagger. The document's original text is never changed; the
// taggers see only this form:
// - Unicode NFKC (ICU), which also folds full-width letters, digits and punctuation to half-width;
// - whitespace runs collapsed to one space, control characters, zero-width characters, variation
//   selectors and emoji skin-tone modifiers dropped (emoji themselves stay: they carry sentiment);
// - traditional → simplified Chinese (OpenCC t2s), applied only to texts that contain a
//   character OpenCC would convert, so simplified texts are never touched by the converter.
//
// Contract: a Normalizer is built once (loading OpenCC's t2s tables, ~10 ms) and is then
// immutable apart from a cache of OpenCC's answers; normalize() is const and thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace opencc {
class SimpleConverter;
}

namespace yuqing::processors {

// NFKC + whitespace/invisible-character cleanup, without the traditional → simplified step.
std::string normalize_text(std::string_view utf8);

struct NormalizedText {
  std::string text;
  bool converted_traditional = false;  // OpenCC t2s was applied
};

class Normalizer {
 public:
  // `opencc_config` is OpenCC's t2s.json (Debian: /usr/share/opencc/t2s.json). Throws
  // std::runtime_error when OpenCC cannot load it.
  explicit Normalizer(const std::string& opencc_config = "/usr/share/opencc/t2s.json");
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  NormalizedText normalize(std::string_view utf8) const;
  // True when `utf8` holds a character that t2s converts (a traditional-only character).
  bool has_traditional(std::string_view utf8) const;

 private:
  bool converts(char32_t cp) const;

  std::unique_ptr<opencc::SimpleConverter> t2s_;
  // Whether t2s converts an ideograph, by code point up to kMaxCodePoint: 0 = not asked yet,
  // 1 = no, 2 = yes. OpenCC is asked the first time a character is seen — asking for all ~28k
  // ideographs up front took a fifth of the analyzer's start-up, and a stream of texts meets only a
  // few thousand of them. Threads that race on a character store the same answer, hence relaxed atomics.
  mutable std::vector<std::atomic<uint8_t>> traditional_;
};

}  // namespace yuqing::processors
