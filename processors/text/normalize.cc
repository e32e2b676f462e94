#include "processors/text/normalize.h"

#include <opencc/SimpleConverter.hpp>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <stdexcept>

#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

// CJK Unified Ideographs, Extension A and compatibility ideographs all lie below this.
constexpr char32_t kMaxCodePoint = 0xFB00;

bool invisible(char32_t cp) {
  return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||  // zero-width
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||         // selectors, skin tones
         (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp < 0xA0);
}

}  // namespace

std::string normalize_text(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  std::string normalized;
  std::string_view in = utf8;
  if (U_SUCCESS(status) && !nfkc->isNormalizedUTF8(icu::StringPiece(utf8.data(), int32_t(utf8.size())), status)) {
    status = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&normalized, int32_t(utf8.size()));
    nfkc->normalizeUTF8(0, icu::StringPiece(utf8.data(), int32_t(utf8.size())), sink, nullptr, status);
    if (U_SUCCESS(status)) in = normalized;
  }

  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  for (size_t pos = 0; pos < in.size();) {
    const char32_t cp = utf8::next(in, pos);
    if (invisible(cp)) continue;
    if (cp < 0x80 ? (cp == ' ' || (cp >= '\t' && cp <= '\r')) : bool(u_isUWhiteSpace(UChar32(cp)))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    utf8::append(out, cp);
  }
  return out;
}

Normalizer::Normalizer(const std::string& opencc_config) : traditional_(kMaxCodePoint) {
  try {
    t2s_ = std::make_unique<opencc::SimpleConverter>(opencc_config);
  } catch (const std::exception& e) {
    throw std::runtime_error("OpenCC cannot load " + opencc_config + ": " + e.what());
  }
}

// Asked of OpenCC with the character alone, so that the phrase tables cannot join it to a
// neighbour: it is traditional when t2s changes it.
bool Normalizer::converts(char32_t cp) const {
  if (cp >= kMaxCodePoint || !utf8::is_cjk(cp)) return false;
  std::atomic<uint8_t>& known = traditional_[cp];
  uint8_t answer = known.load(std::memory_order_relaxed);
  if (answer == 0) {
    std::string alone;
    utf8::append(alone, cp);
    answer = t2s_->Convert(alone) != alone ? 2 : 1;
    known.store(answer, std::memory_order_relaxed);
  }
  return answer == 2;
}

Normalizer::~Normalizer() = default;

bool Normalizer::has_traditional(std::string_view s) const {
  for (size_t pos = 0; pos < s.size();) {
    if (static_cast<unsigned char>(s[pos]) < 0xE3) {  // below U+3000: no ideographs
      pos += utf8::char_len(static_cast<unsigned char>(s[pos]));
      continue;
    }
    if (converts(utf8::next(s, pos))) return true;
  }
  return false;
}

NormalizedText Normalizer::normalize(std::string_view utf8) const {
  NormalizedText n{normalize_text(utf8), false};
  if (has_traditional(n.text)) {
    n.text = t2s_->Convert(n.text);
    n.converted_traditional = true;
  }
  return n;
}

}  // namespace yuqing::processors
