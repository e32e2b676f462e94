// HtmlDocument: a parsed HTML5 page (gumbo) and the few generic queries every extractor needs.
// Immutable after construction; the node pointers it hands out live as long as the document.
// Input must be UTF-8 (decode with charset.h first). No scripts are run: gumbo only parses.
#pragma once

#include <gumbo.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yuqing::crawlers {

struct Link {
  std::string href;  // as written in the page (resolve with url.h)
  std::string text;
};

class HtmlDocument {
 public:
  explicit HtmlDocument(std::string_view utf8_html);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  const GumboNode* root() const { return output_->root; }
  std::string title() const;                                // <title>, whitespace collapsed
  std::string meta(std::string_view name_or_property) const; // <meta name|property=... content>
  std::vector<Link> links() const;
  // Visits every element in document order; return false from `visit` to skip its children.
  void for_each_element(const std::function<bool(const GumboNode*)>& visit) const;

 private:
  std::string html_;
  GumboOutput* output_;
};

// The visible text under `node`: script/style/noscript dropped, block elements separated by
// newlines, runs of white space collapsed.
std::string node_text(const GumboNode* node);
// The same, leaving out every element for which `skip` is true (and its subtree).
std::string node_text(const GumboNode* node, const std::function<bool(const GumboNode*)>& skip);
std::string attribute(const GumboNode* node, std::string_view name);
bool is_element(const GumboNode* node, GumboTag tag);

}  // namespace yuqing::crawlers
