#include "processors/normalize.h"

#include <opencc/SimpleConverter.hpp>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <stdexcept>

#include "processors/utf8.h"

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

Normalizer::Normalizer(const std::string& opencc_config) : traditional_(kMaxCodePoint, false) {
  try {
    t2s_ = std::make_unique<opencc::SimpleConverter>(opencc_config);
  } catch (const std::exception& e) {
    throw std::runtime_error("OpenCC cannot load " + opencc_config + ": " + e.what());
  }
  // Ask OpenCC once, character by character, which ideographs it converts; those mark a text as
  // traditional. One line per character keeps the phrase tables from joining neighbours.
  std::string probe;
  std::vector<char32_t> order;
  for (char32_t cp = 0x3400; cp < kMaxCodePoint; ++cp) {
    if (!utf8::is_cjk(cp)) continue;
    utf8::append(probe, cp);
    probe += '\n';
    order.push_back(cp);
  }
  const std::string converted = t2s_->Convert(probe);
  size_t pos = 0, line = 0;
  while (pos < converted.size() && line < order.size()) {
    const size_t end = converted.find('\n', pos);
    const std::string_view got(converted.data() + pos, (end == std::string::npos ? converted.size() : end) - pos);
    size_t p = 0;
    if (got.empty() || utf8::next(got, p) != order[line] || p != got.size()) traditional_[order[line]] = true;
    if (end == std::string::npos) break;
    pos = end + 1;
    ++line;
  }
}

Normalizer::~Normalizer() = default;

bool Normalizer::has_traditional(std::string_view s) const {
  for (size_t pos = 0; pos < s.size();) {
    if (static_cast<unsigned char>(s[pos]) < 0xE3) {  // below U+3000: no ideographs
      pos += utf8::char_len(static_cast<unsigned char>(s[pos]));
      continue;
    }
    const char32_t cp = utf8::next(s, pos);
    if (cp < kMaxCodePoint && traditional_[cp]) return true;
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
