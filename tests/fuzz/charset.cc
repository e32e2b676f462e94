// The charset decoder (crawlers/charset.h): first line = the Content-Type header, second = a
// forced charset (usually empty), the rest = the body. Contract checked: never throws, the output
// is valid UTF-8, a body's leading UTF-8 BOM does not reach it, a charset is always reported.
#include "crawlers/charset.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto f = fuzz::fields(fuzz::bytes(data, size), 3);
  const crawlers::DecodedText d = crawlers::decode_to_utf8(f[2], f[0], f[1]);
  if (!fuzz::valid_utf8(d.utf8)) fuzz::fail("decode_to_utf8 returned invalid UTF-8", d.charset);
  // One leading UTF-8 BOM is dropped; a second one is a character of the text (U+FEFF) and stays.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const std::string_view body = f[2];
  if (f[1].empty() && body.substr(0, 3) == kBom && body.substr(3, 3) != kBom && d.utf8.substr(0, 3) == kBom)
    fuzz::fail("decode_to_utf8 kept a BOM", d.charset);
  if (d.charset.empty()) fuzz::fail("decode_to_utf8 reported no charset");
  (void)crawlers::charset_from_content_type(f[0]);
  (void)crawlers::charset_from_meta(f[2]);
  (void)crawlers::canonical_charset(f[1]);
  return 0;
}
