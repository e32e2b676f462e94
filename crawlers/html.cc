#include "crawlers/html.h"

#include <strings.h>

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

}  // namespace

HtmlDocument::HtmlDocument(std::string_view utf8_html)
    : html_(utf8_html), output_(gumbo_parse_with_options(&kGumboDefaultOptions, html_.data(), html_.size())) {}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

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
