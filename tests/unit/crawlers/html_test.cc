// Hostile markup (issue 15, bad input): the parsed tree stays shallow and bounded whatever the
// nesting, and the page's text survives where it can.
#include "crawlers/html.h"

#include <gtest/gtest.h>

#include <string>

#include "crawlers/extract/article.h"

namespace yuqing::crawlers {
namespace {

std::string nested(int depth, const std::string& inner, bool closed = true) {
  std::string html = "<html><head><title>标题</title></head><body><p>开头的一段。</p>";
  for (int i = 0; i < depth; ++i) html += "<div>";
  html += inner;
  if (closed)
    for (int i = 0; i < depth; ++i) html += "</div>";
  return html + "</body></html>";
}

size_t max_depth(const GumboNode* root) {
  size_t deepest = 0;
  std::vector<std::pair<const GumboNode*, size_t>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [n, d] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, d);
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    for (unsigned i = 0; i < n->v.element.children.length; ++i)
      stack.emplace_back(static_cast<const GumboNode*>(n->v.element.children.data[i]), d + 1);
  }
  return deepest;
}

}  // namespace

TEST(HostileHtml, NestingIsBoundedAndTextKept) {
  struct Case {
    const char* what;
    int depth;
    bool closed;
    bool deep_text_kept;  // the text at the bottom of the nesting is still in the page's text
  };
  const Case cases[] = {
      {"ordinary nesting", 30, true, true},
      {"just under the 512 limit", 500, true, true},
      {"past the limit: flattened into the element at depth 512", 3000, true, true},
      {"100,000 nested divs (crashed the extractor: recursion)", 100000, true, false},
      {"20,000 unclosed divs (gumbo kept 800 MB of error records)", 20000, false, false},
  };
  for (const auto& c : cases) {
    const HtmlDocument page(nested(c.depth, "<p>最深处的文字。</p>", c.closed));
    EXPECT_LE(max_depth(page.root()), 520u) << c.what;
    EXPECT_EQ(page.title(), "标题") << c.what;
    const std::string text = node_text(page.root());
    EXPECT_NE(text.find("开头的一段。"), std::string::npos) << c.what;
    EXPECT_EQ(text.find("最深处的文字。") != std::string::npos, c.deep_text_kept) << c.what;
    // The whole extraction runs on it without crashing.
    const ExtractedArticle a = extract_article(page, "http://example.com/a.html", {});
    EXPECT_EQ(a.title, "标题") << c.what;
  }
}

}  // namespace yuqing::crawlers
