#include "crawlers/html.h"

#include <strings.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

namespace yuqing::crawlers {
namespace {

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_SECTION: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_TABLE: case GUMBO_TAG_PRE: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
      return true;
    default:
      return false;
  }
}

void append_text(const GumboNode* node, std::string& out, const std::function<bool(const GumboNode*)>* skip = nullptr) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
    out += node->v.text.text;
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  const GumboTag tag = node->v.element.tag;
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE) return;
  if (skip && node->type == GUMBO_NODE_ELEMENT && (*skip)(node)) return;
  const bool block = is_block(tag);
  if (block) out += '\n';
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) append_text(static_cast<const GumboNode*>(children.data[i]), out, skip);
  if (block) out += '\n';
}

// Collapses spaces within lines and drops empty lines.
std::string tidy(const std::string& raw) {
  std::string out, line;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    line.clear();
  };
  for (char c : raw) {
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      if (!line.empty() && line.back() != ' ') line += ' ';
    } else {
      line += c;
    }
  }
  flush();
  // U+3000 (ideographic space) and NBSP runs are common in Chinese pages' indentation.
  for (const char* space : {"\u3000", "\u00a0"}) {
    for (size_t p = out.find(space); p != std::string::npos; p = out.find(space, p)) out.erase(p, std::string(space).size());
  }
  return out;
}

void walk(const GumboNode* node, const std::function<bool(const GumboNode*)>& visit) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  if (!visit(node)) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) walk(static_cast<const GumboNode*>(children.data[i]), visit);
}

// Gumbo's parse time grows with the square of its stack of open elements (100,000 nested <div>s:
// 39 s), so hostile markup is cut where a rough count of open elements passes kMaxOpenElements —
// far beyond any real page (they nest a few dozen deep). The count skips void elements and those
// whose end tag may be left out (p, li, td, ...), which real pages leave open by the thousand.
constexpr size_t kMaxOpenElements = 10000;

size_t nesting_cut(std::string_view html) {
  static const char* const kNotNesting[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                            "param", "source", "track", "wbr", "keygen", "p", "li", "dt", "dd", "tr", "td",
                                            "th", "option", "optgroup", "rb", "rt", "rp", "tbody", "thead", "tfoot",
                                            "colgroup", "caption", "html", "head", "body", "!", "?"};
  auto nests = [](std::string_view name) {
    for (const char* n : kNotNesting)
      if (name.size() == std::strlen(n) && strncasecmp(name.data(), n, name.size()) == 0) return false;
    return true;
  };
  size_t open = 0;
  for (size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    const bool end = at + 1 < html.size() && html[at + 1] == '/';
    size_t b = at + 1 + end, e = b;
    while (e < html.size() && (std::isalnum(static_cast<unsigned char>(html[e])) || (e == b && (html[e] == '!' || html[e] == '?')))) ++e;
    if (e == b || !nests(html.substr(b, e - b))) continue;
    if (end) {
      if (open > 0) --open;
      continue;
    }
    const size_t close = html.find('>', e);
    if (close != std::string_view::npos && html[close - 1] == '/') continue;  // <x/>
    if (++open > kMaxOpenElements) return at;
  }
  return html.size();
}

// Chrome's parser stops nesting at 512 elements and appends deeper ones to the element at that
// depth; the same rule applied after parsing keeps every walk over the tree (most of them
// recursive) shallow, whatever the page. Past the limit an element's descendants become its
// children in document order, so their text stays, in order.
constexpr unsigned kMaxTreeDepth = 512;

bool has_children(const GumboNode* n) {
  return (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) && n->v.element.children.length > 0;
}

void flatten(GumboNode* node) {
  std::vector<GumboNode*> descendants, stack;
  const GumboVector& top = node->v.element.children;
  for (unsigned i = top.length; i-- > 0;) stack.push_back(static_cast<GumboNode*>(top.data[i]));
  while (!stack.empty()) {
    GumboNode* n = stack.back();
    stack.pop_back();
    descendants.push_back(n);
    if (!has_children(n)) continue;
    GumboVector& kids = n->v.element.children;
    for (unsigned i = kids.length; i-- > 0;) stack.push_back(static_cast<GumboNode*>(kids.data[i]));
    kids.length = 0;  // its array stays allocated; gumbo_destroy_output frees it with the node
  }
  // gumbo frees vectors with the options' deallocator, which is free() for kGumboDefaultOptions.
  void** data = static_cast<void**>(std::malloc(descendants.size() * sizeof(void*)));
  if (!data) throw std::bad_alloc();
  for (size_t i = 0; i < descendants.size(); ++i) {
    descendants[i]->parent = node;
    descendants[i]->index_within_parent = i;
    data[i] = descendants[i];
  }
  std::free(node->v.element.children.data);
  node->v.element.children = GumboVector{data, unsigned(descendants.size()), unsigned(descendants.size())};
}

void limit_depth(GumboNode* root) {
  std::vector<std::pair<GumboNode*, unsigned>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (!has_children(n)) continue;
    if (depth == kMaxTreeDepth) {
      flatten(n);
      continue;
    }
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) stack.emplace_back(static_cast<GumboNode*>(kids.data[i]), depth + 1);
  }
}


// Gumbo's defaults, except that parse errors are not kept: nothing reads them, and each one copies
// the stack of open elements (10,000 unclosed <div>s made 800 MB of error records).
GumboOptions parse_options() {
  GumboOptions o = kGumboDefaultOptions;
  o.max_errors = 0;
  return o;
}
const GumboOptions kParseOptions = parse_options();

}  // namespace

HtmlDocument::HtmlDocument(std::string_view utf8_html) : html_(utf8_html.substr(0, nesting_cut(utf8_html))) {
  output_ = gumbo_parse_with_options(&kParseOptions, html_.data(), html_.size());
  limit_depth(output_->root);
}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kParseOptions, output_); }

bool is_element(const GumboNode* node, GumboTag tag) {
  return node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag;
}

std::string attribute(const GumboNode* node, std::string_view name) {
  if (node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, std::string(name).c_str());
  return a ? a->value : std::string();
}

std::string node_text(const GumboNode* node) {
  std::string raw;
  append_text(node, raw);
  return tidy(raw);
}

std::string node_text(const GumboNode* node, const std::function<bool(const GumboNode*)>& skip) {
  std::string raw;
  append_text(node, raw, &skip);
  return tidy(raw);
}

void HtmlDocument::for_each_element(const std::function<bool(const GumboNode*)>& visit) const { walk(root(), visit); }

std::string HtmlDocument::title() const {
  std::string t;
  for_each_element([&](const GumboNode* n) {
    if (t.empty() && is_element(n, GUMBO_TAG_TITLE)) t = node_text(n);
    return t.empty();
  });
  return t;
}

std::string HtmlDocument::meta(std::string_view key) const {
  std::string value;
  for_each_element([&](const GumboNode* n) {
    if (!value.empty()) return false;
    if (is_element(n, GUMBO_TAG_META)) {
      const std::string name = attribute(n, "name").empty() ? attribute(n, "property") : attribute(n, "name");
      if (name.size() == key.size() && strncasecmp(name.data(), key.data(), key.size()) == 0) value = attribute(n, "content");
    }
    return true;
  });
  return value;
}

std::vector<Link> HtmlDocument::links() const {
  std::vector<Link> out;
  for_each_element([&](const GumboNode* n) {
    if (is_element(n, GUMBO_TAG_A)) {
      if (auto href = attribute(n, "href"); !href.empty()) out.push_back({href, node_text(n)});
    }
    return true;
  });
  return out;
}

}  // namespace yuqing::crawlers
