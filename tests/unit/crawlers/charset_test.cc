#include "crawlers/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace yuqing::crawlers {
namespace {

using Source = DecodedText::Source;

constexpr std::string_view kSimplified =
    "关于幸福小区冬季供暖温度不达标的投诉：连续一周室温不足十六度，老人孩子都冻病了，"
    "希望有关部门尽快处理。";
constexpr std::string_view kTraditional =
    "市民反映捷運站出口的無障礙設施損壞已經三個月，輪椅使用者只能繞道，請相關單位儘速修繕。";

// Legacy-charset inputs come from ICU's GBK and windows-950 encoders, not from the GB18030 and
// Big5-HKSCS converters the decoder uses; a few short cases below pin hand-checked bytes.
std::string encode(std::string_view utf8, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t length = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << charset << ": " << u_errorName(status);
  out.resize(static_cast<size_t>(length));
  return out;
}

bool is_valid_utf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  int32_t length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

std::string html(std::string_view head, std::string_view body_text) {
  return "<html><head>" + std::string(head) + "<title>t</title></head><body><p>" +
         std::string(body_text) + "</p></body></html>";
}

TEST(CharsetContentType, ReadsCharsetParameterLowerCased) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=GBK"), "gbk");
}

TEST(CharsetContentType, ToleratesQuotesSpacesAndOtherParameters) {
  EXPECT_EQ(charset_from_content_type("text/html;charset=utf-8;"), "utf-8");
  EXPECT_EQ(charset_from_content_type("text/html; q=1; charset = \"Big5\""), "big5");
  EXPECT_EQ(charset_from_content_type("text/html; CHARSET='gb2312'"), "gb2312");
}

TEST(CharsetContentType, NoCharsetGivesEmpty) {
  EXPECT_EQ(charset_from_content_type("text/html"), "");
  EXPECT_EQ(charset_from_content_type("text/html; q=1"), "");
  EXPECT_EQ(charset_from_content_type(""), "");
}

TEST(CharsetMeta, CharsetAttribute) {
  EXPECT_EQ(charset_from_meta("<html><head><meta charset=\"gb2312\"></head>"), "gb2312");
  EXPECT_EQ(charset_from_meta("<meta charset=\"utf-8\" />"), "utf-8");
}

TEST(CharsetMeta, HttpEquivContentType) {
  EXPECT_EQ(charset_from_meta(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />"),
            "gb2312");
}

TEST(CharsetMeta, UnquotedValues) {
  EXPECT_EQ(charset_from_meta("<meta charset=utf-8>"), "utf-8");
  EXPECT_EQ(charset_from_meta("<meta http-equiv=Content-Type content=text/html;charset=gbk>"),
            "gbk");
}

TEST(CharsetMeta, SingleQuotes) {
  EXPECT_EQ(charset_from_meta("<meta http-equiv='content-type' content='text/html; charset=big5'>"),
            "big5");
  EXPECT_EQ(charset_from_meta("<meta charset='GBK'>"), "gbk");
}

TEST(CharsetMeta, UppercaseTagsAndAttributes) {
  EXPECT_EQ(charset_from_meta("<META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"TEXT/HTML; "
                              "CHARSET=GB2312\">"),
            "gb2312");
  EXPECT_EQ(charset_from_meta("<META CHARSET=\"UTF-8\">"), "utf-8");
}

TEST(CharsetMeta, CharsetAfterOtherParametersAndContentBeforeHttpEquiv) {
  EXPECT_EQ(charset_from_meta("<meta content=\"text/html; q=0.9; charset=big5\" "
                              "http-equiv=\"Content-Type\">"),
            "big5");
}

TEST(CharsetMeta, SkipsCommentsAndOtherTags) {
  EXPECT_EQ(charset_from_meta("<!-- <meta charset=\"big5\"> --><script charset=\"utf-8\"></script>"
                              "<metadata charset=\"euc-kr\"><meta name=\"keywords\" content=\"x\">"
                              "<meta charset=\"gbk\">"),
            "gbk");
}

TEST(CharsetMeta, ContentWithoutHttpEquivIsIgnored) {
  EXPECT_EQ(charset_from_meta("<meta name=\"description\" content=\"charset=big5\">"), "");
}

TEST(CharsetMeta, OnlyScansTheFirstFourKiB) {
  std::string padding(4096, ' ');
  EXPECT_EQ(charset_from_meta(padding + "<meta charset=\"gbk\">"), "");
  std::string cut = std::string(4096 - 16, ' ') + "<meta charset=\"gbk\">";
  EXPECT_EQ(charset_from_meta(cut), "");
  EXPECT_EQ(charset_from_meta(std::string(4000, ' ') + "<meta charset=\"gbk\">"), "gbk");
}

TEST(CharsetMeta, XmlDeclarationEncoding) {
  EXPECT_EQ(charset_from_meta("<?xml version=\"1.0\" encoding=\"GB2312\"?><rss></rss>"), "gb2312");
  EXPECT_EQ(charset_from_meta("<?xml version=\"1.0\"?><rss></rss>"), "");
}

TEST(CharsetAlias, NormalisesLabels) {
  for (const char* label : {"gbk", "GB2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}) {
    EXPECT_EQ(canonical_charset(label), "gb18030") << label;
  }
  for (const char* label : {"big5", "Big5-HKSCS"}) {
    EXPECT_EQ(canonical_charset(label), "big5") << label;
  }
  for (const char* label : {"latin1", "ISO-8859-1", "us-ascii", "windows-1252"}) {
    EXPECT_EQ(canonical_charset(label), "windows-1252") << label;
  }
  EXPECT_EQ(canonical_charset("utf8"), "utf-8");
  EXPECT_EQ(canonical_charset(" \"UTF-8\" "), "utf-8");
  EXPECT_EQ(canonical_charset("Shift_JIS"), "shift_jis");
  EXPECT_EQ(canonical_charset("koi8-r"), "koi8-r");
}

TEST(CharsetAlias, UnknownLabelIsEmpty) {
  EXPECT_EQ(canonical_charset("no-such-charset"), "");
  EXPECT_EQ(canonical_charset(""), "");
}

TEST(Charset, ForcedCharsetBeatsHeaderAndMeta) {
  std::string body = html("<meta charset=\"utf-8\">", encode(kTraditional, "windows-950"));
  DecodedText text = decode_to_utf8(body, "text/html; charset=GBK", "big5");
  EXPECT_EQ(text.source, Source::forced);
  EXPECT_EQ(text.charset, "big5");
  EXPECT_EQ(text.declared, "gbk");
  EXPECT_FALSE(text.overridden);
  EXPECT_EQ(text.utf8, html("<meta charset=\"utf-8\">", kTraditional));
}

TEST(Charset, ForcedCharsetIsNeverOverridden) {
  std::string body = encode(kSimplified, "GBK");
  DecodedText text = decode_to_utf8(body, {}, "utf-8");
  EXPECT_EQ(text.source, Source::forced);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_FALSE(text.overridden);
  EXPECT_GT(text.replacement_count, 10u);
  EXPECT_TRUE(is_valid_utf8(text.utf8));
}

TEST(Charset, UnknownForcedCharsetIsIgnored) {
  DecodedText text = decode_to_utf8(encode(kSimplified, "GBK"), "text/html; charset=gbk",
                                    "no-such-charset");
  EXPECT_EQ(text.source, Source::http_header);
  EXPECT_EQ(text.utf8, kSimplified);
}

TEST(Charset, HeaderBeatsMeta) {
  std::string body = html("<meta charset=\"gbk\">", encode(kTraditional, "windows-950"));
  DecodedText text = decode_to_utf8(body, "text/html; charset=big5");
  EXPECT_EQ(text.source, Source::http_header);
  EXPECT_EQ(text.charset, "big5");
  EXPECT_EQ(text.declared, "big5");
  EXPECT_FALSE(text.overridden);
  EXPECT_EQ(text.utf8, html("<meta charset=\"gbk\">", kTraditional));
}

TEST(Charset, Gb2312LabelDecodesGbkOnlyCharactersAsGb18030) {
  // 镕 (U+9555) is in GBK but not in GB2312: a strict GB2312 decoder would lose it.
  const std::string body = "\xD6\xEC\xE9\x46\xBB\xF9";  // 朱镕基 in GBK
  DecodedText text = decode_to_utf8(body, "text/html; charset=gb2312");
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.declared, "gb2312");
  EXPECT_EQ(text.source, Source::http_header);
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_EQ(text.utf8, "朱镕基");
}

TEST(Charset, Utf8BomBeatsMetaAndIsStripped) {
  std::string body = "\xEF\xBB\xBF" + html("<meta charset=\"big5\">", kSimplified);
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.source, Source::bom);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.declared, "big5");
  EXPECT_EQ(text.utf8, html("<meta charset=\"big5\">", kSimplified));
}

TEST(Charset, Utf16LittleEndianBom) {
  std::string body = "\xFF\xFE" + encode("<p>中文 ok</p>", "UTF-16LE");
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.source, Source::bom);
  EXPECT_EQ(text.charset, "utf-16le");
  EXPECT_EQ(text.utf8, "<p>中文 ok</p>");
}

TEST(Charset, Utf16BigEndianBom) {
  std::string body = "\xFE\xFF" + encode(kTraditional, "UTF-16BE");
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.source, Source::bom);
  EXPECT_EQ(text.charset, "utf-16be");
  EXPECT_EQ(text.utf8, kTraditional);
}

TEST(Charset, Utf8BomStrippedWhenHeaderSaysUtf8) {
  DecodedText text = decode_to_utf8("\xEF\xBB\xBF中文", "text/html; charset=utf-8");
  EXPECT_EQ(text.source, Source::http_header);
  EXPECT_EQ(text.utf8, "中文");
}

TEST(Charset, MetaUsedWithoutHeader) {
  std::string body = html("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">",
                          encode(kSimplified, "GBK"));
  DecodedText text = decode_to_utf8(body, "text/html");
  EXPECT_EQ(text.source, Source::meta);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.declared, "gbk");
  EXPECT_EQ(text.utf8,
            html("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">",
                 kSimplified));
}

TEST(Charset, DetectsGbkWithoutDeclaration) {
  DecodedText text = decode_to_utf8(html("", encode(kSimplified, "GBK")));
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.declared, "");
  EXPECT_EQ(text.utf8, html("", kSimplified));
}

TEST(Charset, DetectsBig5WithoutDeclaration) {
  DecodedText text = decode_to_utf8(html("", encode(kTraditional, "windows-950")));
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.charset, "big5");
  EXPECT_EQ(text.utf8, html("", kTraditional));
}

TEST(Charset, DetectsUtf8WithoutDeclaration) {
  DecodedText text = decode_to_utf8(html("", kSimplified));
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.utf8, html("", kSimplified));
}

TEST(Charset, Big5TraditionalIncludingHongKongCharacters) {
  const std::string plain = "\xA4\xA4\xA4\xE5";  // 中文 in Big5
  EXPECT_EQ(decode_to_utf8(plain, "text/html; charset=big5").utf8, "中文");

  // 𨋢 (lift) exists only in HKSCS, and lies outside the BMP.
  std::string hkscs = encode("香港𨋢", "ibm-1375");
  DecodedText text = decode_to_utf8(hkscs, "text/html; charset=big5");
  EXPECT_EQ(text.charset, "big5");
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_EQ(text.utf8, "香港𨋢");
}

TEST(Charset, Latin1LabelDecodesAsWindows1252) {
  DecodedText text = decode_to_utf8("caf\xE9 \x80 5", "text/html; charset=ISO-8859-1");
  EXPECT_EQ(text.charset, "windows-1252");
  EXPECT_EQ(text.declared, "iso-8859-1");
  EXPECT_EQ(text.utf8, "café € 5");
}

TEST(Charset, Latin1HeaderYieldsToMeta) {
  std::string body = html("<meta charset=\"gbk\">", encode(kSimplified, "GBK"));
  DecodedText text = decode_to_utf8(body, "text/html; charset=ISO-8859-1");
  EXPECT_EQ(text.source, Source::meta);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.declared, "iso-8859-1");
  EXPECT_EQ(text.utf8, html("<meta charset=\"gbk\">", kSimplified));
}

TEST(Charset, MetaGb2312ButBodyUtf8IsOverridden) {
  std::string body = html("<meta charset=\"gb2312\">", kSimplified);
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.declared, "gb2312");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_EQ(text.utf8, body);
}

TEST(Charset, ShortUtf8UnderGb2312LabelIsOverriddenThoughGb18030ReadsItCleanly) {
  // Twelve bytes of UTF-8 pair up into six valid GB18030 characters, so only the UTF-8 check
  // catches this.
  std::string body = "<meta charset=\"gb2312\"><title>投诉举报</title>";
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.utf8, body);
}

TEST(Charset, Latin1HeaderButBodyUtf8IsOverridden) {
  // Servlet containers send ISO-8859-1 by default, and windows-1252 decodes any byte.
  DecodedText text = decode_to_utf8(html("", kSimplified), "text/html; charset=ISO-8859-1");
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.declared, "iso-8859-1");
  EXPECT_EQ(text.utf8, html("", kSimplified));
}

TEST(Charset, MetaUtf8ButBodyGbkIsOverridden) {
  std::string body = html("<meta charset=\"utf-8\">", encode(kSimplified, "GBK"));
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.declared, "utf-8");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_EQ(text.utf8, html("<meta charset=\"utf-8\">", kSimplified));
}

TEST(Charset, ShortGbkUnderWrongMetaIsNotReadAsSingleByte) {
  // uchardet calls a few GBK bytes KOI8-R or ISO-8859-5; those decode anything cleanly.
  std::string body = "<meta charset=\"utf-8\">\xD6\xD0\xCE\xC4";  // 中文 in GBK
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.utf8, "<meta charset=\"utf-8\">中文");
}

TEST(Charset, HeaderUtf8ButBodyBig5IsOverridden) {
  DecodedText text =
      decode_to_utf8(html("", encode(kTraditional, "windows-950")), "text/html; charset=utf-8");
  EXPECT_EQ(text.charset, "big5");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.utf8, html("", kTraditional));
}

TEST(Charset, MixedAsciiAndChinese) {
  std::string utf8 = html("<meta charset=\"gbk\"><script>var a = 1 < 2;</script>",
                          "Tel: 010-12345678，地址：北京市 Haidian District 中关村 No.5 (2024)");
  std::string body = encode(utf8, "GBK");
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.source, Source::meta);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.utf8, utf8);
}

TEST(Charset, LongBodyIsDecodedWhole) {
  std::string utf8;
  for (int i = 0; i < 2000; ++i) utf8 += kSimplified;
  DecodedText text = decode_to_utf8(encode(utf8, "GBK"), "text/html; charset=gbk");
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_EQ(text.utf8.size(), utf8.size());
  EXPECT_EQ(text.utf8, utf8);
}

TEST(Charset, EmptyBody) {
  DecodedText text = decode_to_utf8("");
  EXPECT_EQ(text.utf8, "");
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.source, Source::fallback);
  EXPECT_EQ(text.replacement_count, 0u);
}

TEST(Charset, PureAsciiFallsBackToUtf8) {
  DecodedText text = decode_to_utf8("<p>hello</p>");
  EXPECT_EQ(text.utf8, "<p>hello</p>");
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.source, Source::fallback);
}

TEST(Charset, TruncatedUtf8SequenceAtEndIsReplaced) {
  std::string body = std::string(kSimplified) + "\xE4\xB8";  // first two bytes of 中
  DecodedText text = decode_to_utf8(body, "text/html; charset=utf-8");
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_FALSE(text.overridden);
  EXPECT_EQ(text.replacement_count, 1u);
  EXPECT_EQ(text.utf8, std::string(kSimplified) + "\uFFFD");
}

TEST(Charset, TruncatedGbkSequenceAtEndIsReplaced) {
  std::string body = html("<meta charset=\"gbk\">", encode(kSimplified, "GBK")) + "\xD6";
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "gb18030");
  EXPECT_EQ(text.source, Source::meta);
  EXPECT_EQ(text.replacement_count, 1u);
  EXPECT_EQ(text.utf8, html("<meta charset=\"gbk\">", kSimplified) + "\uFFFD");
}

TEST(Charset, InvalidUtf8IsRepairedAndCounted) {
  std::string body = "ab\xFF" "cd" + std::string(kSimplified);
  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_EQ(text.source, Source::detected);
  EXPECT_EQ(text.replacement_count, 1u);
  EXPECT_EQ(text.utf8, "ab\uFFFD" "cd" + std::string(kSimplified));
}

TEST(Charset, ArbitraryBytesStillYieldValidUtf8) {
  std::string body;
  for (int round = 0; round < 4; ++round) {
    for (int byte = 255; byte >= 0; --byte) body.push_back(static_cast<char>(byte));
  }
  for (std::string_view header : {"", "text/html; charset=utf-8", "text/html; charset=big5",
                                  "text/html; charset=utf-16be"}) {
    DecodedText text = decode_to_utf8(body, header);
    EXPECT_TRUE(is_valid_utf8(text.utf8)) << header;
    EXPECT_GT(text.replacement_count, 0u) << header;
  }
}

std::filesystem::path shared_data_dir() {
  if (const char* env = std::getenv("YUQING_SHARED_DATA")) return env;
  std::filesystem::path repo_root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  return repo_root / ".." / "shared" / "data";
}

TEST(Charset, QqPageDeclaringGb2312IsUtf8) {
  std::filesystem::path path =
      shared_data_dir() / "extraction" / "readability" / "test-pages" / "qq" / "source.html";
  std::ifstream in(path, std::ios::binary);
  if (!in) GTEST_SKIP() << "missing " << path;
  std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  DecodedText text = decode_to_utf8(body);
  EXPECT_EQ(text.declared, "gb2312");
  EXPECT_EQ(text.charset, "utf-8");
  EXPECT_TRUE(text.overridden);
  EXPECT_EQ(text.replacement_count, 0u);
  EXPECT_NE(text.utf8.find("人工智能迈上新台阶"), std::string::npos);
}

}  // namespace
}  // namespace yuqing::crawlers
