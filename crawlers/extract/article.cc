#include "crawlers/extract/article.h"

#include <map>
#include <regex>

namespace yuqing::crawlers {
namespace {

constexpr int kChinaOffsetSeconds = 8 * 3600;

// Sum of the text of a node's direct <p> children: the signal for "this is the article body".
size_t paragraph_text(const GumboNode* node, std::string& text) {
  size_t total = 0;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (!is_element(child, GUMBO_TAG_P)) continue;
    const std::string t = node_text(child);
    if (t.empty()) continue;
    if (!text.empty()) text += '\n';
    text += t;
    total += t.size();
  }
  return total;
}

std::string after_label(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return {};
  std::string rest = text.substr(at + label.size());
  const auto end = rest.find_first_of(" \n\t");
  rest = rest.substr(0, end);
  return rest;
}

}  // namespace

std::optional<UnixSeconds> find_datetime(std::string_view text) {
  // Alternations, not character classes: std::regex works on bytes and 年/月/日 are three bytes each.
  static const std::regex kPattern(
      R"((20\d{2}|19\d{2})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*(?:日)?)"
      R"((?:\s*T?\s*(\d{1,2})\s*(?::|：|时)\s*(\d{1,2})(?:\s*(?::|：|分)\s*(\d{1,2}))?)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, kPattern)) return std::nullopt;
  const int month = std::stoi(m[2].str()), day = std::stoi(m[3].str());
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const int hour = m[4].matched ? std::stoi(m[4].str()) : 0;
  const int minute = m[5].matched ? std::stoi(m[5].str()) : 0;
  const int second = m[6].matched ? std::stoi(m[6].str()) : 0;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return days_from_civil(std::stoi(m[1].str()), unsigned(month), unsigned(day)) * 86400 + hour * 3600 + minute * 60 +
         second - kChinaOffsetSeconds;
}

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view) {
  ExtractedArticle a;
  const GumboNode* best = nullptr;
  size_t best_size = 0;
  page.for_each_element([&](const GumboNode* n) {
    std::string ignored;
    const size_t size = paragraph_text(n, ignored);
    if (size > best_size) {
      best_size = size;
      best = n;
    }
    return true;
  });
  if (best) {
    paragraph_text(best, a.text);
  } else if (const GumboNode* body = page.root()) {
    a.text = node_text(body);
  }

  page.for_each_element([&](const GumboNode* n) {
    if (a.title.empty() && is_element(n, GUMBO_TAG_H1)) a.title = node_text(n);
    return a.title.empty();
  });
  if (a.title.empty()) a.title = page.meta("og:title");
  if (a.title.empty()) a.title = page.title();

  for (const char* key : {"article:published_time", "pubdate", "publishdate", "PubDate"}) {
    if (a.published_at) break;
    if (auto v = page.meta(key); !v.empty()) a.published_at = parse_iso8601(v) ? parse_iso8601(v) : find_datetime(v);
  }
  const std::string all_text = node_text(page.root());
  if (!a.published_at) {
    // The first date before the body is the publish date; dates inside the body are about events.
    const auto body_at = a.text.empty() ? std::string::npos : all_text.find(a.text.substr(0, 30));
    a.published_at = find_datetime(std::string_view(all_text).substr(0, body_at == std::string::npos ? all_text.size() : body_at));
  }
  for (const char* label : {"来源：", "来源:"})
    if (a.source_name.empty()) a.source_name = after_label(all_text, label);
  for (const char* label : {"作者：", "作者:", "记者："})
    if (a.author.empty()) a.author = after_label(all_text, label);
  if (a.author.empty()) a.author = page.meta("author");
  return a;
}

}  // namespace yuqing::crawlers
