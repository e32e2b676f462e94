// Generic article extraction: title, main text, publish time, author, source and comments from
// a news or government page, without per-site rules (optional rules override parts of it).
//
// Contract: pure function of the parsed page, its URL and the options; never throws; fields it
// cannot find are empty (published_at is nullopt). Thread-safe (no shared state).
//
// How the body is found (readability-style, see article.cc for the constants):
//  1. Page furniture is dropped before scoring: script/style/nav/aside/footer/forms controls,
//     hidden elements (hidden, aria-hidden, display:none), ARIA navigation roles, and elements
//     whose class/id reads like furniture (menu, sidebar, comment, related, share, breadcrumb,
//     copyright, ...) unless it also reads like content (article, content, main, body...).
//  2. Every paragraph-like block (p, pre, td, headings, and divs holding their own text) with
//     enough text scores 1 + its punctuation count (Western and Chinese: , 。 ， 、 ； ！ ？)
//     + up to 3 for its length; the score goes to its parent in full, its grandparent in half
//     and further ancestors in smaller shares. CJK characters count double for length, as one
//     carries about as much text as a short English word.
//  3. Each ancestor's score is scaled by (1 - link density); class/id hints add or subtract.
//     The best ancestor wins, its siblings join when they score close to it or are clean
//     paragraphs, and inside the winner lists/tables/divs that look like link farms, forms or
//     image galleries are removed ("conditional cleaning").
//  4. The text keeps paragraphs on separate lines; the headline (h1) and lines that are pure
//     boilerplate (copyright, 责任编辑, share prompts) are dropped.
// Metadata: JSON-LD (Article types, @graph) → <meta> tags → itemprop/<time> → Chinese labels in
// the text (发布时间：, 来源：, 作者：, 记者) → page-script variables (pubtime, WeChat's Unix `ct`)
// → first date before the body. A yearless date ("10-08 12:00") takes the latest year that puts
// it no later than a day after the page's own modification time (meta dateModified/dateUpdate,
// article:modified_time, JSON-LD dateModified) or the fetch time, whichever is earlier.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "crawlers/extract/datetime.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

// Per-site overrides, each a selector in the subset documented in selector.h (e.g.
// "div.article-content > p", "#pubtime", "meta[name=publishdate]"). An empty or invalid
// selector, or one whose matches yield no value on a page (no match, empty text, no parsable
// time), falls back to the generic extraction for that field. Values come from the text of the
// matched elements, except that time_selector reads a `datetime` or `content` attribute when
// the element has one. body_selector joins the text of all matches, one per line; the others
// take the first match. Note `meta[...]` has no text: use it only for time_selector.
struct ExtractRules {
  std::string title_selector;
  std::string body_selector;
  std::string time_selector;
  std::string author_selector;
  std::string source_selector;
};

struct ExtractOptions {
  ExtractRules rules;
  // Reference for relative times ("3小时前", "昨天 10:30") and yearless dates; without it relative
  // forms are ignored rather than resolved against the wall clock (re-runs stay reproducible),
  // and yearless ones resolve only against the page's own modification time, if it has one.
  std::optional<UnixSeconds> fetched_at;
  bool find_comments = true;
};

struct ExtractedComment {
  std::string author;
  std::string text;
  std::optional<UnixSeconds> published_at;
};

struct ExtractedArticle {
  std::string title;
  std::string text;
  std::optional<UnixSeconds> published_at;
  std::string author;
  std::string source_name;
  // Comments printed in the page itself (not loaded by script); generic detection of a block
  // whose class/id names comments and whose repeated children each carry text. May be empty.
  std::vector<ExtractedComment> comments;
};

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view url, const ExtractOptions& options = {});

}  // namespace yuqing::crawlers
