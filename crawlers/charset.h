// Turns a fetched body in whatever charset the site used into valid UTF-8.
//
// Contract:
//  - decode_to_utf8 never fails: the worst outcome is UTF-8 with U+FFFD in place of bytes
//    no candidate charset could read, and replacement_count says how many.
//  - The charset is chosen in this order: forced (user option) -> HTTP header -> BOM ->
//    <meta> (or an XML declaration) -> detection (libuchardet) -> UTF-8.
//  - A forced charset is obeyed even when it decodes badly; it is the escape hatch for when
//    the rules below are wrong for a site. Unknown forced names are ignored, so validate the
//    option at start-up with canonical_charset.
//  - A declared (header/meta) charset is distrusted in two cases, and then `overridden` is set
//    and `source` becomes `detected`:
//      * the body is UTF-8 (at most the tolerated errors, see below) and has non-ASCII bytes
//        while the label names another charset: UTF-8 multibyte structure does not occur by
//        accident, whereas "gb2312" is often a template left over from an older CMS;
//      * the label's decoding has more errors than tolerated; then the detected charset,
//        utf-8, gb18030 and big5 are tried and the one with fewest errors wins (ties keep the
//        declared charset, then go in that order, except that a single-byte detection comes
//        last because a single-byte charset decodes any bytes without error).
//    Tolerated: one error plus one per 200 non-ASCII bytes. A CMS that cut one title in the
//    middle of a character should not cost the page its charset, while a wrong charset fails
//    on a large share of the non-ASCII bytes.
//  - An HTTP header naming windows-1252 (also iso-8859-1, us-ascii) yields to a <meta> naming
//    something else: it is HTTP/1.1's and many servlet containers' default, not a statement
//    about the body.
//  - GBK, GB2312 and their aliases decode as GB18030 (a superset); big5 as Big5-HKSCS;
//    latin1/iso-8859-1/us-ascii as windows-1252 (WHATWG). A leading BOM never reaches the output.
//  - Pure functions: no shared state, safe to call from any thread. Cost is one decode of the
//    body, up to about five when a declared charset is wrong.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace yuqing::crawlers {

struct DecodedText {
  enum class Source { forced, http_header, bom, meta, detected, fallback };

  std::string utf8;              // always valid UTF-8, without a BOM
  std::string charset;           // canonical, lower-case: "utf-8", "gb18030", "big5", ...
  std::string declared;          // lower-case label from the header, else the meta; "" if none
  Source source = Source::fallback;
  bool overridden = false;       // the declared charset was rejected
  size_t replacement_count = 0;  // U+FFFD introduced by decoding
};

DecodedText decode_to_utf8(std::string_view body, std::string_view content_type_header = {},
                           std::string_view forced_charset = {});

// "text/html; charset=GBK" -> "gbk"; "" when there is no charset parameter.
std::string charset_from_content_type(std::string_view content_type);

// The charset named by the first <meta charset> or <meta http-equiv="Content-Type"> in the
// first 4 KiB, or by a leading <?xml ... encoding="..."?> (feeds and sitemaps come through the
// same fetcher); lower-case, "" if none. Comments are skipped and a tag cut off by the 4 KiB
// limit is ignored.
std::string charset_from_meta(std::string_view html_prefix);

// The canonical name decode_to_utf8 would use for a label ("GB2312" -> "gb18030"), or "" when
// neither the WHATWG aliases above nor ICU know it.
std::string canonical_charset(std::string_view label);

}  // namespace yuqing::crawlers
