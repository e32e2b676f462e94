// Generic article extraction: title, main text, publish time, author and source from a news or
// government page, without per-site rules.
//
// Contract: pure function of the parsed page and its URL; never throws; fields it cannot find are
// empty (published_at is nullopt). The main text is the content block with the most paragraph
// text; navigation, link lists and page furniture rarely win that contest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

struct ExtractedArticle {
  std::string title;
  std::string text;
  std::optional<UnixSeconds> published_at;
  std::string author;
  std::string source_name;
};

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view url);

// Finds a Chinese or ISO date-time in free text: "2022年6月18日 10:30", "2022-06-18 10:30:00",
// "2022/6/18". Times without an offset are China Standard Time (UTC+8).
std::optional<UnixSeconds> find_datetime(std::string_view text);

}  // namespace yuqing::crawlers
