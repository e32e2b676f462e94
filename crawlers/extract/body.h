// The main text of an article page, found without per-site rules (readability-style).
//
// Contract: a pure function of the parsed page and the headline; never throws; "" when the page
// has no text block worth the name. Paragraphs stay on separate lines, white space inside a line
// is collapsed. Thread-safe (no shared state).
//
// Why the headline is an input: the content block often repeats it as its first line, and that
// line is the title, not body text (metadata.h finds the headline first).
//
// How the body is found (see body.cc for the constants):
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
//     boilerplate (copyright, 责任编辑, share prompts) or the article's own info line (发布时间：…
//     来源：…, extracted by metadata.h instead) are dropped.
//  5. A short result means the hints probably removed the article; the search is repeated with
//     one heuristic loosened at a time, and a looser pass wins only if it at least doubles the text.
#pragma once

#include <string>

#include "crawlers/html.h"

namespace yuqing::crawlers {

std::string extract_body(const HtmlDocument& page, const std::string& title);

}  // namespace yuqing::crawlers
