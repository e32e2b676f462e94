#include "crawlers/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace yuqing::crawlers {
namespace {

constexpr size_t kMetaScanBytes = 4096;

struct CloseConverter {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using Converter = std::unique_ptr<UConverter, CloseConverter>;

struct Codec {
  std::string name;
  Converter converter;
};

struct Alias {
  std::string_view label;
  std::string_view name;
  const char* icu_name;
};

// The WHATWG labels of the encodings these sites use. ICU's own alias table would resolve
// most of them too, but to the narrower charset (gb2312 proper, plain Big5, ISO-8859-1),
// which turns the characters the superset adds into errors.
constexpr Alias kAliases[] = {
    {"utf-8", "utf-8", "UTF-8"},
    {"utf8", "utf-8", "UTF-8"},
    {"unicode-1-1-utf-8", "utf-8", "UTF-8"},
    {"gb18030", "gb18030", "GB18030"},
    {"gbk", "gb18030", "GB18030"},
    {"gb2312", "gb18030", "GB18030"},
    {"gb_2312", "gb18030", "GB18030"},
    {"gb_2312-80", "gb18030", "GB18030"},
    {"csgb2312", "gb18030", "GB18030"},
    {"x-gbk", "gb18030", "GB18030"},
    {"cp936", "gb18030", "GB18030"},
    {"ms936", "gb18030", "GB18030"},
    {"windows-936", "gb18030", "GB18030"},
    {"euc-cn", "gb18030", "GB18030"},
    {"chinese", "gb18030", "GB18030"},
    {"iso-ir-58", "gb18030", "GB18030"},
    // ibm-1375 is Big5-HKSCS; ICU's "big5" lacks the Hong Kong characters.
    {"big5", "big5", "ibm-1375"},
    {"big5-hkscs", "big5", "ibm-1375"},
    {"cn-big5", "big5", "ibm-1375"},
    {"csbig5", "big5", "ibm-1375"},
    {"x-x-big5", "big5", "ibm-1375"},
    {"cp950", "big5", "ibm-1375"},
    {"windows-950", "big5", "ibm-1375"},
    // ICU's windows-1252 maps 0x81, 0x8D, 0x8F, 0x90 and 0x9D to C1 controls, as WHATWG does.
    {"windows-1252", "windows-1252", "windows-1252"},
    {"cp1252", "windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252", "windows-1252"},
    {"iso-8859-1", "windows-1252", "windows-1252"},
    {"iso8859-1", "windows-1252", "windows-1252"},
    {"iso_8859-1", "windows-1252", "windows-1252"},
    {"iso-ir-100", "windows-1252", "windows-1252"},
    {"csisolatin1", "windows-1252", "windows-1252"},
    {"latin1", "windows-1252", "windows-1252"},
    {"l1", "windows-1252", "windows-1252"},
    {"us-ascii", "windows-1252", "windows-1252"},
    {"ascii", "windows-1252", "windows-1252"},
    {"ansi_x3.4-1968", "windows-1252", "windows-1252"},
    {"cp819", "windows-1252", "windows-1252"},
    {"ibm819", "windows-1252", "windows-1252"},
    {"shift_jis", "shift_jis", "windows-31j"},
    {"shift-jis", "shift_jis", "windows-31j"},
    {"sjis", "shift_jis", "windows-31j"},
    {"x-sjis", "shift_jis", "windows-31j"},
    {"ms_kanji", "shift_jis", "windows-31j"},
    {"csshiftjis", "shift_jis", "windows-31j"},
    {"windows-31j", "shift_jis", "windows-31j"},
    {"cp932", "shift_jis", "windows-31j"},
    {"euc-kr", "euc-kr", "windows-949"},
    {"cseuckr", "euc-kr", "windows-949"},
    {"ks_c_5601-1987", "euc-kr", "windows-949"},
    {"windows-949", "euc-kr", "windows-949"},
    {"cp949", "euc-kr", "windows-949"},
    // WHATWG reads a bare "utf-16" label as little-endian.
    {"utf-16", "utf-16le", "UTF-16LE"},
    {"utf-16le", "utf-16le", "UTF-16LE"},
    {"utf-16be", "utf-16be", "UTF-16BE"},
};

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), ascii_lower);
  return out;
}

// Labels arrive with stray quotes and spaces ("charset= 'GBK' ").
std::string clean_label(std::string_view label) {
  auto is_junk = [](char c) { return is_space(c) || c == '"' || c == '\''; };
  while (!label.empty() && is_junk(label.front())) label.remove_prefix(1);
  while (!label.empty() && is_junk(label.back())) label.remove_suffix(1);
  return lower(label);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::ranges::equal(s.substr(0, prefix.size()), prefix,
                            [](char a, char b) { return ascii_lower(a) == b; });
}

Converter open_converter(const char* icu_name) {
  UErrorCode status = U_ZERO_ERROR;
  Converter converter(ucnv_open(icu_name, &status));
  if (U_FAILURE(status)) return nullptr;
  return converter;
}

std::optional<Codec> open_codec(std::string_view label) {
  std::string key = clean_label(label);
  if (key.empty()) return std::nullopt;
  for (const Alias& alias : kAliases) {
    if (alias.label == key) {
      if (Converter converter = open_converter(alias.icu_name)) {
        return Codec{std::string(alias.name), std::move(converter)};
      }
      return std::nullopt;
    }
  }
  Converter converter = open_converter(key.c_str());
  if (!converter) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  const char* name = ucnv_getStandardName(key.c_str(), "MIME", &status);
  if (name == nullptr) {
    status = U_ZERO_ERROR;
    name = ucnv_getStandardName(key.c_str(), "IANA", &status);
  }
  if (name == nullptr) {
    status = U_ZERO_ERROR;
    name = ucnv_getName(converter.get(), &status);
  }
  return Codec{lower(name), std::move(converter)};
}

bool is_single_byte(const Codec& codec) { return ucnv_getMaxCharSize(codec.converter.get()) == 1; }

struct Decoding {
  std::string charset;
  std::string utf8;
  size_t errors = 0;
};

// Writes U+FFFD and counts; ICU's own substitute callback would write U+001A for the
// single-byte charsets.
void substitute_and_count(const void* context, UConverterToUnicodeArgs* args, const char*,
                          int32_t, UConverterCallbackReason reason, UErrorCode* status) {
  // Reset, close and clone are notifications, not errors, and may arrive after the decode that
  // owns `context` has returned.
  if (reason > UCNV_IRREGULAR) return;
  ++*static_cast<size_t*>(const_cast<void*>(context));
  static constexpr UChar kReplacement = 0xFFFD;
  *status = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, status);
}

Decoding decode(std::string_view body, const Codec& codec) {
  Decoding result{codec.name, {}, 0};
  if (body.empty()) return result;
  UConverter* source_converter = codec.converter.get();
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(source_converter, substitute_and_count, &result.errors, nullptr, nullptr,
                      &status);
  Converter utf8_converter = open_converter("UTF-8");

  UChar pivot[1024];
  UChar* pivot_source = pivot;
  UChar* pivot_target = pivot;
  const char* source = body.data();
  char chunk[8192];
  bool reset = true;
  do {
    status = U_ZERO_ERROR;
    char* target = chunk;
    ucnv_convertEx(utf8_converter.get(), source_converter, &target, std::end(chunk), &source,
                   body.data() + body.size(), pivot, &pivot_source, &pivot_target,
                   std::end(pivot), reset, true, &status);
    reset = false;
    result.utf8.append(chunk, target);
  } while (status == U_BUFFER_OVERFLOW_ERROR);

  if (result.utf8.starts_with("\xEF\xBB\xBF")) result.utf8.erase(0, 3);
  return result;
}

std::optional<Codec> codec_from_bom(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) return open_codec("utf-8");
  if (body.starts_with("\xFF\xFE")) return open_codec("utf-16le");
  if (body.starts_with("\xFE\xFF")) return open_codec("utf-16be");
  return std::nullopt;
}

std::optional<Codec> detect(std::string_view body) {
  uchardet_t detector = uchardet_new();
  uchardet_handle_data(detector, body.data(), body.size());
  uchardet_data_end(detector);
  std::optional<Codec> codec = open_codec(uchardet_get_charset(detector));
  uchardet_delete(detector);
  return codec;
}

bool decodes_cleanly(const Decoding& decoding, size_t non_ascii_bytes) {
  return decoding.errors <= 1 + non_ascii_bytes / 200;
}

// Ties keep the earlier candidate, so `incumbent` wins them, then a multibyte detection (a
// clean decode in a multibyte charset is evidence), then the common charsets, and a
// single-byte detection last, since those decode anything without error.
Decoding fewest_errors(std::string_view body, std::optional<Decoding> incumbent) {
  std::vector<Codec> candidates;
  auto add = [&](std::optional<Codec> codec) {
    if (!codec || (incumbent && incumbent->charset == codec->name)) return;
    auto same_name = [&](const Codec& c) { return c.name == codec->name; };
    if (std::ranges::none_of(candidates, same_name)) candidates.push_back(std::move(*codec));
  };
  std::optional<Codec> detected = detect(body);
  const bool detected_is_single_byte = detected && is_single_byte(*detected);
  if (!detected_is_single_byte) add(std::move(detected));
  for (std::string_view common : {"utf-8", "gb18030", "big5"}) add(open_codec(common));
  if (detected_is_single_byte) add(std::move(detected));

  std::optional<Decoding> best = std::move(incumbent);
  for (const Codec& candidate : candidates) {
    Decoding decoding = decode(body, candidate);
    if (!best || decoding.errors < best->errors) best = std::move(decoding);
  }
  return std::move(*best);
}

DecodedText result_from(Decoding decoding, std::string declared, DecodedText::Source source) {
  DecodedText text;
  text.utf8 = std::move(decoding.utf8);
  text.charset = std::move(decoding.charset);
  text.declared = std::move(declared);
  text.source = source;
  text.replacement_count = decoding.errors;
  return text;
}

// Scans attributes from `pos` to the closing '>'; nullopt when the window ends first.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_attributes(
    std::string_view html, size_t pos) {
  std::vector<std::pair<std::string, std::string>> attributes;
  auto skip_spaces = [&] {
    while (pos < html.size() && is_space(html[pos])) ++pos;
  };
  while (true) {
    while (pos < html.size() && (is_space(html[pos]) || html[pos] == '/')) ++pos;
    if (pos >= html.size()) return std::nullopt;
    if (html[pos] == '>') return attributes;
    size_t name_start = pos;
    while (pos < html.size() && !is_space(html[pos]) && html[pos] != '=' && html[pos] != '>' &&
           html[pos] != '/') {
      ++pos;
    }
    std::string name = lower(html.substr(name_start, pos - name_start));
    skip_spaces();
    std::string value;
    if (pos < html.size() && html[pos] == '=') {
      ++pos;
      skip_spaces();
      if (pos >= html.size()) return std::nullopt;
      if (html[pos] == '"' || html[pos] == '\'') {
        size_t close = html.find(html[pos], pos + 1);
        if (close == std::string_view::npos) return std::nullopt;
        value = html.substr(pos + 1, close - pos - 1);
        pos = close + 1;
      } else {
        size_t value_start = pos;
        while (pos < html.size() && !is_space(html[pos]) && html[pos] != '>') ++pos;
        value = html.substr(value_start, pos - value_start);
      }
    }
    attributes.emplace_back(std::move(name), std::move(value));
  }
}

std::string attribute(const std::vector<std::pair<std::string, std::string>>& attributes,
                      std::string_view name) {
  for (const auto& [key, value] : attributes) {
    if (key == name) return value;
  }
  return {};
}

// The WHATWG "extract a character encoding from a meta element" rule, which also reads
// Content-Type headers: the first "charset" followed by '=' wins, quoted or not.
std::string charset_parameter(std::string_view text) {
  std::string lowered = lower(text);
  size_t pos = 0;
  while ((pos = lowered.find("charset", pos)) != std::string::npos) {
    pos += 7;
    while (pos < lowered.size() && is_space(lowered[pos])) ++pos;
    if (pos >= lowered.size() || lowered[pos] != '=') continue;
    ++pos;
    while (pos < lowered.size() && is_space(lowered[pos])) ++pos;
    if (pos >= lowered.size()) return {};
    if (lowered[pos] == '"' || lowered[pos] == '\'') {
      size_t close = lowered.find(lowered[pos], pos + 1);
      if (close == std::string::npos) return {};
      return clean_label(std::string_view(lowered).substr(pos + 1, close - pos - 1));
    }
    size_t end = pos;
    while (end < lowered.size() && !is_space(lowered[end]) && lowered[end] != ';') ++end;
    return clean_label(std::string_view(lowered).substr(pos, end - pos));
  }
  return {};
}

}  // namespace

std::string charset_from_content_type(std::string_view content_type) {
  size_t parameters = content_type.find(';');
  if (parameters == std::string_view::npos) return {};
  return charset_parameter(content_type.substr(parameters + 1));
}

std::string charset_from_meta(std::string_view html_prefix) {
  std::string_view html = html_prefix.substr(0, kMetaScanBytes);
  if (html.starts_with("\xEF\xBB\xBF")) html.remove_prefix(3);

  size_t start = 0;
  while (start < html.size() && is_space(html[start])) ++start;
  if (starts_with_ci(html.substr(start), "<?xml")) {
    auto attributes = parse_attributes(html, start + 5);
    return attributes ? clean_label(attribute(*attributes, "encoding")) : std::string();
  }

  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos + 1)) {
    std::string_view rest = html.substr(pos);
    if (rest.starts_with("<!--")) {
      size_t close = html.find("-->", pos + 4);
      if (close == std::string_view::npos) return {};
      pos = close + 2;
      continue;
    }
    if (!starts_with_ci(rest, "<meta") || rest.size() <= 5 ||
        !(is_space(rest[5]) || rest[5] == '/')) {
      continue;
    }
    auto attributes = parse_attributes(html, pos + 5);
    if (!attributes) return {};
    if (std::string charset = clean_label(attribute(*attributes, "charset")); !charset.empty()) {
      return charset;
    }
    if (lower(attribute(*attributes, "http-equiv")) == "content-type") {
      if (std::string charset = charset_parameter(attribute(*attributes, "content"));
          !charset.empty()) {
        return charset;
      }
    }
  }
  return {};
}

std::string canonical_charset(std::string_view label) {
  auto codec = open_codec(label);
  return codec ? codec->name : std::string();
}

DecodedText decode_to_utf8(std::string_view body, std::string_view content_type_header,
                           std::string_view forced_charset) {
  using Source = DecodedText::Source;
  std::string header_label = charset_from_content_type(content_type_header);
  std::string meta_label = charset_from_meta(body);
  std::string declared = header_label.empty() ? meta_label : header_label;

  if (auto forced = open_codec(forced_charset)) {
    return result_from(decode(body, *forced), std::move(declared), Source::forced);
  }

  std::optional<Codec> header = open_codec(header_label);
  std::optional<Codec> meta = open_codec(meta_label);
  // A document whose <meta> could be read as ASCII is not UTF-16 (WHATWG).
  if (meta && meta->name.starts_with("utf-16")) meta = open_codec("utf-8");

  std::optional<Codec> label;
  Source source = Source::fallback;
  if (header && !(header->name == "windows-1252" && meta && meta->name != header->name)) {
    label = std::move(header);
    source = Source::http_header;
  } else if (auto bom = codec_from_bom(body)) {
    label = std::move(bom);
    source = Source::bom;
  } else if (meta) {
    label = std::move(meta);
    source = Source::meta;
  }

  const size_t non_ascii_bytes = static_cast<size_t>(
      std::ranges::count_if(body, [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  std::optional<Codec> utf8 = open_codec("utf-8");

  if (label) {
    if (source != Source::bom && label->name != "utf-8" && non_ascii_bytes > 0) {
      Decoding as_utf8 = decode(body, *utf8);
      if (decodes_cleanly(as_utf8, non_ascii_bytes)) {
        DecodedText text = result_from(std::move(as_utf8), std::move(declared), Source::detected);
        text.overridden = true;
        return text;
      }
    }
    Decoding as_labelled = decode(body, *label);
    if (decodes_cleanly(as_labelled, non_ascii_bytes)) {
      return result_from(std::move(as_labelled), std::move(declared), source);
    }
    Decoding best = fewest_errors(body, std::move(as_labelled));
    bool overridden = best.charset != label->name;
    DecodedText text =
        result_from(std::move(best), std::move(declared), overridden ? Source::detected : source);
    text.overridden = overridden;
    return text;
  }

  Decoding as_utf8 = decode(body, *utf8);
  if (non_ascii_bytes == 0) {
    return result_from(std::move(as_utf8), std::move(declared), Source::fallback);
  }
  if (decodes_cleanly(as_utf8, non_ascii_bytes)) {
    return result_from(std::move(as_utf8), std::move(declared), Source::detected);
  }
  Decoding best = fewest_errors(body, std::nullopt);
  if (decodes_cleanly(best, non_ascii_bytes)) {
    return result_from(std::move(best), std::move(declared), Source::detected);
  }
  return result_from(std::move(as_utf8), std::move(declared), Source::fallback);
}

}  // namespace yuqing::crawlers
