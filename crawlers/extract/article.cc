#include "crawlers/extract/article.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include "crawlers/extract/selector.h"

namespace yuqing::crawlers {
namespace {

// ---------------------------------------------------------------------------------------------
// Text measurement

bool is_cjk_lead(unsigned char c) { return c >= 0xE3 && c <= 0xE9; }  // U+3000..U+9FFF, 3 bytes

// Weighted length (CJK counts 2, other characters 1, white space runs 1) and punctuation count.
void measure(std::string_view s, double& len, int& punct) {
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (!ws || !space) len += 1;
      space = ws;
      if (c == ',') ++punct;
      ++i;
      continue;
    }
    space = false;
    if (c >= 0xF0) {
      len += 2;
      i += 4;
    } else if (c >= 0xE0) {
      const std::string_view ch = s.substr(i, 3);
      // ， 、 。 ； ！ ？ (and the ideographic space, which is layout, not text)
      if (ch == "，" || ch == "、" || ch == "。" || ch == "；" || ch == "！" || ch == "？") ++punct;
      len += ch == "\u3000" ? 0 : is_cjk_lead(c) || c == 0xEF ? 2 : 1;
      i += 3;
    } else {
      len += c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0 ? 0 : 1;
      i += 2;
    }
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class Needles>
bool contains_any(std::string_view hay, const Needles& needles) {
  for (std::string_view n : needles)
    if (hay.find(n) != std::string_view::npos) return true;
  return false;
}
bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
  return contains_any<std::initializer_list<std::string_view>>(hay, needles);
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// ---------------------------------------------------------------------------------------------
// Class/id hints (readability's lists, plus a few words Chinese CMSs use)

constexpr std::string_view kUnlikely[] = {
    "-ad-",      "ai2html", "banner", "breadcrumb", "combx",     "comment",  "community", "cover-wrap",
    "disqus",    "extra",   "footer", "gdpr",       "header",    "legends",  "menu",      "related",
    "remark",    "replies", "rss",    "shoutbox",   "sidebar",   "skyscraper", "social",  "sponsor",
    "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",    "yom-remote", "recommend",
    "copyright", "crumb",   "share"};
constexpr std::string_view kMaybe[] = {"and", "article", "body", "column", "content", "main", "shadow"};
constexpr std::string_view kPositive[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination",
    "post",    "text", "blog",    "story", "detail", "zhengwen"};
constexpr std::string_view kNegative[] = {
    "-ad-",   "hidden",   "banner", "combx",   "comment", "com-",     "contact",    "footer",  "gdpr",
    "masthead", "media",  "meta",   "outbrain", "promo",  "related",  "scroll",     "share",   "shoutbox",
    "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget", "recommend", "copyright"};

int hint_weight(std::string_view value) {
  if (value.empty()) return 0;
  const std::string v = lower(value);
  int w = 0;
  if (contains_any(v, kNegative) || v == "hid" || v.starts_with("hid ") || v.ends_with(" hid") ||
      v.find(" hid ") != std::string::npos)
    w -= 25;
  if (contains_any(v, kPositive)) w += 25;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Tag classes

bool is_heading(GumboTag t) {
  return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 ||
         t == GUMBO_TAG_H6;
}

// Elements that end a line of text.
bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER: case GUMBO_TAG_HR:
    case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P:
    case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR: case GUMBO_TAG_UL:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_HTML:
      return true;
    default:
      return false;
  }
}

// Containers that readability turns into paragraphs when they hold only inline content.
bool is_div_like(GumboTag t) {
  return t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_ARTICLE || t == GUMBO_TAG_MAIN ||
         t == GUMBO_TAG_CENTER || t == GUMBO_TAG_BODY;
}

bool is_dropped_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_HEAD: case GUMBO_TAG_LINK: case GUMBO_TAG_META:
    case GUMBO_TAG_MENU: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP:
    case GUMBO_TAG_TITLE:
      return true;
    default:
      return false;
  }
}

bool is_hidden(const GumboNode* g) {
  const GumboVector* attrs = &g->v.element.attributes;
  if (gumbo_get_attribute(attrs, "hidden")) return true;
  if (const GumboAttribute* a = gumbo_get_attribute(attrs, "aria-hidden"); a && std::string_view(a->value) == "true")
    return true;
  if (const GumboAttribute* a = gumbo_get_attribute(attrs, "style")) {
    std::string style;
    for (const char* p = a->value; *p; ++p)
      if (*p != ' ') style += char(std::tolower(static_cast<unsigned char>(*p)));
    if (style.find("display:none") != std::string::npos || style.find("visibility:hidden") != std::string::npos) return true;
  }
  if (const GumboAttribute* a = gumbo_get_attribute(attrs, "role")) {
    const std::string_view role = a->value;
    if (role == "navigation" || role == "menu" || role == "menubar" || role == "complementary" || role == "dialog" ||
        role == "alert" || role == "alertdialog")
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The scored tree: a flat copy of the element tree with subtree statistics, so that removals
// (which gumbo's tree cannot express without mutation) are a flag plus a subtraction.

struct Flags {
  bool strip_unlikely = true;
  bool weight_classes = true;
  bool clean_conditionally = true;
};

struct Stats {
  double len = 0, link_len = 0, heading_len = 0, li_len = 0;
  int punct = 0, p = 0, img = 0, li = 0, input = 0;
  bool block_desc = false;  // a block element somewhere below

  void add(const Stats& o) {
    len += o.len;
    link_len += o.link_len;
    heading_len += o.heading_len;
    li_len += o.li_len;
    punct += o.punct;
    p += o.p;
    img += o.img;
    li += o.li;
    input += o.input;
    block_desc = block_desc || o.block_desc;
  }
  void subtract(const Stats& o) {
    len -= o.len;
    link_len -= o.link_len;
    heading_len -= o.heading_len;
    li_len -= o.li_len;
    punct -= o.punct;
    p -= o.p;
    img -= o.img;
    li -= o.li;
    input -= o.input;
  }
};

struct Node {
  const GumboNode* g = nullptr;
  int parent = -1;
  std::vector<int> kids;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  bool is_text = false;
  bool removed = false;
  Stats stats;             // subtree, removed parts excluded
  double inline_len = 0;   // text not inside a block child (what readability wraps in <p>)
  int inline_punct = 0;
  int weight = 0;          // class/id hint
  bool candidate = false;
  double score = 0;
};

class Tree {
 public:
  Tree(const GumboNode* root, const Flags& flags) : flags_(flags) { build(root, -1, false, false); }

  std::vector<Node> nodes;

  double link_density(int i) const {
    const Stats& s = nodes[size_t(i)].stats;
    return s.len > 0 ? s.link_len / s.len : 0;
  }

  void remove(int i) {
    Node& n = nodes[size_t(i)];
    if (n.removed) return;
    n.removed = true;
    const Stats gone = n.stats;
    for (int up = n.parent; up >= 0; up = nodes[size_t(up)].parent) nodes[size_t(up)].stats.subtract(gone);
  }

  bool has_ancestor(int i, GumboTag tag) const {
    for (int up = nodes[size_t(i)].parent; up >= 0; up = nodes[size_t(up)].parent)
      if (nodes[size_t(up)].tag == tag) return true;
    return false;
  }

 private:
  int build(const GumboNode* g, int parent, bool in_link, bool in_table) {
    const int index = int(nodes.size());
    nodes.emplace_back();
    nodes.back().g = g;
    nodes.back().parent = parent;
    if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_WHITESPACE || g->type == GUMBO_NODE_CDATA) {
      Node& n = nodes.back();
      n.is_text = true;
      measure(g->v.text.text, n.stats.len, n.stats.punct);
      if (in_link) n.stats.link_len = n.stats.len;
      return index;
    }
    const GumboTag tag = g->v.element.tag;
    nodes.back().tag = tag;
    const std::string cls = attribute(g, "class"), id = attribute(g, "id");
    if (flags_.weight_classes) nodes.back().weight = hint_weight(cls) + hint_weight(id);
    bool drop = is_dropped_tag(tag) || is_hidden(g);
    if (!drop && flags_.strip_unlikely && tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML && tag != GUMBO_TAG_A &&
        !in_table && (!cls.empty() || !id.empty())) {
      const std::string hint = lower(cls) + " " + lower(id);
      drop = contains_any(hint, kUnlikely) && !contains_any(hint, kMaybe);
    }
    if (drop) {
      nodes.back().removed = true;
      return index;
    }
    Stats s;
    double inline_len = 0;
    int inline_punct = 0;
    const bool link = in_link || tag == GUMBO_TAG_A;
    const bool table = in_table || tag == GUMBO_TAG_TABLE;
    const GumboVector& children = g->v.element.children;
    std::vector<int> kids;
    kids.reserve(children.length);
    for (unsigned k = 0; k < children.length; ++k) {
      const auto* child = static_cast<const GumboNode*>(children.data[k]);
      if (child->type == GUMBO_NODE_COMMENT || child->type == GUMBO_NODE_DOCUMENT) continue;
      const int c = build(child, index, link, table);
      kids.push_back(c);
      const Node& cn = nodes[size_t(c)];
      if (cn.removed) continue;
      s.add(cn.stats);
      if (cn.is_text || !is_block(cn.tag)) {
        inline_len += cn.stats.len;
        inline_punct += cn.stats.punct;
      }
      if (!cn.is_text && is_block(cn.tag)) s.block_desc = true;
    }
    if (tag == GUMBO_TAG_P) ++s.p;
    if (tag == GUMBO_TAG_IMG) ++s.img;
    if (tag == GUMBO_TAG_LI) {
      ++s.li;
      s.li_len = s.len;
    }
    if (tag == GUMBO_TAG_INPUT) ++s.input;
    if (is_heading(tag)) s.heading_len = s.len;
    Node& n = nodes[size_t(index)];
    n.kids = std::move(kids);
    n.stats = s;
    n.inline_len = inline_len;
    n.inline_punct = inline_punct;
    return index;
  }

  Flags flags_;
};

// ---------------------------------------------------------------------------------------------
// Text output

void append_text(const Tree& t, int i, std::string& out) {
  const Node& n = t.nodes[size_t(i)];
  if (n.removed) return;
  if (n.is_text) {
    out += n.g->v.text.text;
    return;
  }
  if (n.tag == GUMBO_TAG_BR) {
    out += '\n';
    return;
  }
  const bool block = is_block(n.tag);
  if (block) out += '\n';
  for (int k : n.kids) append_text(t, k, out);
  if (block) out += '\n';
}

// Collapses white space inside lines, trims them and drops empty ones.
std::vector<std::string> tidy_lines(const std::string& raw) {
  std::vector<std::string> lines;
  std::string line;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    const bool nbsp = c == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0';
    const bool ideographic = raw.compare(i, 3, "\u3000") == 0;
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || nbsp || ideographic) {
      if (!line.empty() && line.back() != ' ') line += ' ';
      i += nbsp ? 1 : ideographic ? 2 : 0;
    } else {
      line += c;
    }
  }
  flush();
  return lines;
}

// Short lines that are page furniture wherever they occur.
bool is_boilerplate_line(const std::string& line) {
  if (line.size() > 120) return false;
  return contains_any(line, {"版权所有", "责任编辑", "Copyright ©", "copyright ©", "All rights reserved", "All Rights Reserved",
                             "分享到", "扫一扫", "打印本页", "关闭窗口", "【打印】", "【关闭】", "返回搜狐", "(function"});
}

// ---------------------------------------------------------------------------------------------
// Readability-style content selection

struct Content {
  std::vector<int> roots;  // the top candidate and the siblings that joined it, in order
};

void add_score(Tree& t, int i, double score) {
  Node& n = t.nodes[size_t(i)];
  if (!n.candidate) {
    n.candidate = true;
    switch (n.tag) {
      case GUMBO_TAG_DIV: n.score = 5; break;
      case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: n.score = 3; break;
      case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
      case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM: n.score = -3; break;
      case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
      case GUMBO_TAG_H6: case GUMBO_TAG_TH: n.score = -5; break;
      default: n.score = 0;
    }
    n.score += n.weight;
  }
  n.score += score;
}

void propagate(Tree& t, int first_ancestor, double len, int punct) {
  if (len < 25) return;
  const double score = 1 + punct + std::min(std::floor(len / 100), 3.0);
  int level = 0;
  for (int up = first_ancestor; up >= 0 && level < 5; up = t.nodes[size_t(up)].parent, ++level) {
    if (t.nodes[size_t(up)].tag == GUMBO_TAG_HTML) break;
    add_score(t, up, level == 0 ? score : level == 1 ? score / 2 : score / (level * 3));
  }
}

bool paragraph_like(const Node& n) {
  return n.tag == GUMBO_TAG_P || n.tag == GUMBO_TAG_PRE || n.tag == GUMBO_TAG_TD || n.tag == GUMBO_TAG_H2 ||
         n.tag == GUMBO_TAG_H3 || n.tag == GUMBO_TAG_H4 || n.tag == GUMBO_TAG_H5 || n.tag == GUMBO_TAG_H6 ||
         (is_div_like(n.tag) && !n.stats.block_desc);
}

std::string subtree_text(const Tree& t, int i) {
  std::string raw;
  append_text(t, i, raw);
  return raw;
}

void clean_conditionally(Tree& t, int root, const Flags& flags) {
  // Reverse document order: inner blocks are judged (and removed) before the blocks that hold them.
  std::vector<int> order;
  std::vector<int> stack{root};
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    const Node& n = t.nodes[size_t(i)];
    if (n.removed || n.is_text) continue;
    if (i != root) order.push_back(i);
    for (auto k = n.kids.rbegin(); k != n.kids.rend(); ++k) stack.push_back(*k);
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int i = *it;
    Node& n = t.nodes[size_t(i)];
    if (n.removed) continue;
    if (n.tag == GUMBO_TAG_H1 || (n.tag == GUMBO_TAG_H2 && n.weight < 0)) {
      t.remove(i);
      continue;
    }
    if (!flags.clean_conditionally) continue;
    const bool list_tag = n.tag == GUMBO_TAG_UL || n.tag == GUMBO_TAG_OL;
    if (!(list_tag || n.tag == GUMBO_TAG_TABLE || n.tag == GUMBO_TAG_DIV || n.tag == GUMBO_TAG_SECTION ||
          n.tag == GUMBO_TAG_FORM || n.tag == GUMBO_TAG_FIELDSET || n.tag == GUMBO_TAG_DL))
      continue;
    const Stats& s = n.stats;
    const double score = n.candidate ? n.score : 0;
    if (n.weight + score < 0) {
      t.remove(i);
      continue;
    }
    if (s.punct >= 10) continue;
    const bool is_list = list_tag || (s.len > 0 && s.li_len / s.len > 0.9);
    const double ld = t.link_density(i);
    const double heading_density = s.len > 0 ? s.heading_len / s.len : 0;
    const bool in_figure = t.has_ancestor(i, GUMBO_TAG_FIGURE);
    const int li = s.li - 100;
    const bool remove = (s.img > 1 && double(s.p) / s.img < 0.5 && !in_figure) || (!is_list && li > s.p) ||
                        (s.input > s.p / 3) ||
                        (!is_list && heading_density < 0.9 && s.len < 25 && (s.img == 0 || s.img > 2) && !in_figure) ||
                        (!is_list && n.weight < 25 && ld > 0.2) || (n.weight >= 25 && ld > 0.5);
    if (remove) t.remove(i);
  }
}

Content grab(Tree& t, const Flags& flags) {
  int body = -1;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    Node& n = t.nodes[i];
    if (n.tag == GUMBO_TAG_BODY && !n.is_text && body < 0) body = int(i);
    if (n.removed || n.is_text) continue;
    if (paragraph_like(n)) {
      propagate(t, n.parent, n.stats.len, n.stats.punct);
    } else if (is_div_like(n.tag)) {
      propagate(t, int(i), n.inline_len, n.inline_punct);
    }
  }
  if (body < 0) return {};

  std::vector<int> candidates;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    Node& n = t.nodes[i];
    if (!n.candidate) continue;
    n.score *= 1 - t.link_density(int(i));
    candidates.push_back(int(i));
  }
  std::sort(candidates.begin(), candidates.end(),
            [&](int a, int b) { return t.nodes[size_t(a)].score > t.nodes[size_t(b)].score; });
  int top = candidates.empty() ? body : candidates.front();
  if (top != body && t.nodes[size_t(top)].tag != GUMBO_TAG_HTML) {
    // Several strong candidates under one ancestor: the article is that ancestor.
    std::vector<std::vector<int>> alt_ancestors;
    const double top_score = t.nodes[size_t(top)].score;
    for (size_t k = 1; k < std::min<size_t>(candidates.size(), 5); ++k) {
      if (top_score <= 0 || t.nodes[size_t(candidates[k])].score / top_score < 0.75) continue;
      std::vector<int> chain;
      for (int up = t.nodes[size_t(candidates[k])].parent; up >= 0; up = t.nodes[size_t(up)].parent) chain.push_back(up);
      alt_ancestors.push_back(std::move(chain));
    }
    if (alt_ancestors.size() >= 3) {
      for (int up = t.nodes[size_t(top)].parent; up >= 0 && up != body; up = t.nodes[size_t(up)].parent) {
        int containing = 0;
        for (const auto& chain : alt_ancestors)
          containing += std::find(chain.begin(), chain.end(), up) != chain.end() ? 1 : 0;
        if (containing >= 3) {
          top = up;
          break;
        }
      }
    }
    // A parent that scores higher than the child it got its score from is the better container.
    double last = t.nodes[size_t(top)].score;
    const double threshold = last / 3;
    for (int up = t.nodes[size_t(top)].parent; up >= 0 && up != body; up = t.nodes[size_t(up)].parent) {
      const Node& p = t.nodes[size_t(up)];
      if (!p.candidate) continue;
      if (p.score < threshold) break;
      if (p.score > last) {
        top = up;
        break;
      }
      last = p.score;
    }
    // An only child says nothing its parent does not.
    for (int up = t.nodes[size_t(top)].parent; up >= 0 && up != body; up = t.nodes[size_t(up)].parent) {
      int elements = 0;
      for (int k : t.nodes[size_t(up)].kids)
        elements += !t.nodes[size_t(k)].is_text && !t.nodes[size_t(k)].removed ? 1 : 0;
      if (elements != 1) break;
      top = up;
    }
  }

  Content c;
  const Node& top_node = t.nodes[size_t(top)];
  if (top == body || top_node.parent < 0) {
    c.roots.push_back(top);
  } else {
    const double top_score = top_node.candidate ? top_node.score : 0;
    const double threshold = std::max(10.0, top_score * 0.2);
    const std::string top_class = attribute(top_node.g, "class");
    for (int s : t.nodes[size_t(top_node.parent)].kids) {
      const Node& sn = t.nodes[size_t(s)];
      if (sn.removed || sn.is_text) continue;
      bool append = s == top;
      if (!append) {
        const double bonus = !top_class.empty() && attribute(sn.g, "class") == top_class ? top_score * 0.2 : 0;
        if (sn.candidate && sn.score + bonus >= threshold) {
          append = true;
        } else if (sn.tag == GUMBO_TAG_P || (is_div_like(sn.tag) && !sn.stats.block_desc)) {
          const double ld = t.link_density(s);
          const double len = sn.stats.len;
          if (len > 80 && ld < 0.25) {
            append = true;
          } else if (len > 0 && len < 80 && ld == 0) {
            const std::string text = trim(subtree_text(t, s));
            append = text.ends_with(".") || text.find(". ") != std::string::npos || text.find("。") != std::string::npos;
          }
        }
      }
      if (append) c.roots.push_back(s);
    }
  }
  for (int r : c.roots) clean_conditionally(t, r, flags);
  return c;
}

// The article's own header line ("发布时间：… 来源：… 作者：…") often sits inside the content
// block; it is metadata, extracted separately, not body text.
bool is_info_line(const std::string& line, bool at_edge) {
  double len = 0;
  int punct = 0;
  measure(line, len, punct);
  if (len > 120) return false;
  if (contains_any(line, {"发布时间", "发布日期", "来源：", "来源:", "稿源：", "作者：", "浏览次数", "阅读次数", "点击数：",
                          "点击率", "【字体", "字号：", "【大 中 小】"}))
    return true;
  // A short dated line at the top or bottom ("2022-06-18 10:30", "3小时前"); any reference time
  // will do, only whether it parses matters.
  return at_edge && len < 50 && find_datetime(line, 0).has_value();
}

std::string content_text(const Tree& t, const Content& c, const std::string& title) {
  std::string raw;
  for (int r : c.roots) append_text(t, r, raw);
  std::vector<std::string> lines = tidy_lines(raw);
  std::string out;
  size_t kept = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (is_boilerplate_line(line)) continue;
    if (kept == 0 && line == title) continue;
    if (is_info_line(line, kept < 2 || i + 1 == lines.size())) continue;
    ++kept;
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

constexpr double kEnoughText = 500;  // weighted characters; readability's charThreshold
constexpr double kRetryGain = 2;

std::string generic_body(const HtmlDocument& page, const std::string& title) {
  // Readability's retry: a short result means the hints probably removed the article (say, a
  // body inside class="comment-wrap"); loosen one heuristic at a time. Unlike readability a
  // looser attempt must at least double the text to win: a short article is normal, and the
  // looser passes mostly add back the related links and sidebars the first pass removed.
  static constexpr std::array<Flags, 4> kAttempts = {Flags{true, true, true}, Flags{false, true, true},
                                                     Flags{false, false, true}, Flags{false, false, false}};
  std::string best;
  double best_len = -1, first_len = -1;
  for (const Flags& flags : kAttempts) {
    Tree tree(page.root(), flags);
    const Content c = grab(tree, flags);
    std::string text = content_text(tree, c, title);
    double len = 0;
    int punct = 0;
    measure(text, len, punct);
    if (first_len < 0) first_len = len;
    const bool better = best_len < 0 || (len > best_len && len >= kRetryGain * first_len);
    if (better) {
      best_len = len;
      best = std::move(text);
    }
    if (best_len >= kEnoughText) break;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Metadata

struct PageMeta {
  std::map<std::string, std::string> meta;  // lower-case name/property/itemprop -> first content
  std::vector<std::string> json_ld;
  std::string title_tag;
  std::vector<std::string> h1;
  std::vector<std::string> time_attrs;       // <time datetime=...>, in document order
  std::vector<std::string> time_texts;       // <time> without datetime
  std::string script_text;                   // inline scripts (capped): CMS page variables
  std::vector<std::string> published_props;  // itemprop=datePublished values
  std::vector<std::string> author_props;     // itemprop=author, rel=author, class *byline*
};

// The unparsed text of a <script> (node_text drops scripts).
std::string raw_text(const GumboNode* n) {
  std::string out;
  const GumboVector& kids = n->v.element.children;
  for (unsigned k = 0; k < kids.length; ++k) {
    const auto* c = static_cast<const GumboNode*>(kids.data[k]);
    if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA || c->type == GUMBO_NODE_WHITESPACE) out += c->v.text.text;
  }
  return out;
}

// Page variables such as `publish_time: '2019-09-08 11:42:03'` sit in the first scripts; the
// cap keeps a page of inlined bundles from costing a scan of megabytes.
constexpr size_t kMaxScriptText = 256 * 1024;

PageMeta collect_meta(const HtmlDocument& page) {
  PageMeta m;
  page.for_each_element([&](const GumboNode* n) {
    const GumboTag tag = n->v.element.tag;
    if (tag == GUMBO_TAG_META) {
      const std::string content = attribute(n, "content");
      for (const char* key : {"name", "property", "itemprop", "http-equiv"}) {
        const std::string k = lower(attribute(n, key));
        if (!k.empty() && !content.empty()) m.meta.emplace(k, content);
      }
      return false;
    }
    if (tag == GUMBO_TAG_SCRIPT) {
      if (lower(attribute(n, "type")) == "application/ld+json") {
        m.json_ld.push_back(raw_text(n));
      } else if (m.script_text.size() < kMaxScriptText) {
        m.script_text += raw_text(n).substr(0, kMaxScriptText - m.script_text.size());
      }
      return false;
    }
    if (tag == GUMBO_TAG_TITLE && m.title_tag.empty()) m.title_tag = node_text(n);
    if (tag == GUMBO_TAG_H1 && m.h1.size() < 5) m.h1.push_back(node_text(n));
    if (tag == GUMBO_TAG_TIME) {
      const std::string dt = attribute(n, "datetime");
      if (dt.empty()) {
        m.time_texts.push_back(node_text(n));
      } else {
        m.time_attrs.push_back(dt);
      }
    }
    const std::string itemprop = attribute(n, "itemprop");
    if (itemprop == "datePublished") {
      std::string v = attribute(n, "datetime");
      if (v.empty()) v = attribute(n, "content");
      if (v.empty()) v = node_text(n);
      m.published_props.push_back(v);
    }
    if (itemprop == "author" || attribute(n, "rel") == "author" || lower(attribute(n, "class")).find("byline") != std::string::npos) {
      if (std::string v = node_text(n); !v.empty() && v.size() < 100) m.author_props.push_back(v);
    }
    return true;
  });
  return m;
}

std::string meta_value(const PageMeta& m, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (auto it = m.meta.find(k); it != m.meta.end() && !trim(it->second).empty()) return trim(it->second);
  return {};
}

struct JsonLdArticle {
  std::string headline, date_published, date_modified, author, publisher;
};

std::string json_name(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("name")) return json_name(v["name"]);
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      const std::string n = json_name(e);
      if (n.empty()) continue;
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
  return {};
}

void scan_json_ld(const nlohmann::json& j, JsonLdArticle& a) {
  if (j.is_array()) {
    for (const auto& e : j) scan_json_ld(e, a);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("@graph")) scan_json_ld(j["@graph"], a);
  const auto type = j.find("@type");
  std::string types;
  if (type != j.end()) types = type->is_string() ? type->get<std::string>() : type->dump();
  const bool article = contains_any(types, {"Article", "Posting", "Report", "NewsArticle", "WebPage"});
  if (!article) return;
  auto take = [&](std::string& field, const char* key) {
    if (field.empty() && j.contains(key)) field = trim(json_name(j[key]));
  };
  take(a.headline, "headline");
  take(a.date_published, "datePublished");
  take(a.date_published, "dateCreated");
  take(a.date_modified, "dateModified");
  take(a.author, "author");
  take(a.publisher, "publisher");
}

JsonLdArticle parse_json_ld(const std::vector<std::string>& blocks) {
  JsonLdArticle a;
  for (const std::string& b : blocks) {
    const auto j = nlohmann::json::parse(b, nullptr, false);
    if (!j.is_discarded()) scan_json_ld(j, a);
  }
  return a;
}

// The value after a label such as "来源：" up to the next space or separator, at most 30 bytes.
std::string after_label(std::string_view text, std::initializer_list<std::string_view> labels) {
  for (std::string_view label : labels) {
    size_t at = text.find(label);
    while (at != std::string_view::npos) {
      size_t i = at + label.size();
      while (i < text.size() && (text[i] == ' ' || text.compare(i, 3, "：") == 0 || text[i] == ':')) i += text[i] == ' ' || text[i] == ':' ? 1 : 3;
      size_t end = i;
      while (end < text.size() && end - i < 60) {
        const std::string_view rest = text.substr(end);
        if (rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\t' || rest[0] == '|' || rest.starts_with("｜") ||
            rest.starts_with("　") || rest.starts_with("\xC2\xA0") || rest.starts_with("，") || rest.starts_with("。") ||
            rest.starts_with("）") || rest.starts_with(")") || rest.starts_with("】") || rest.starts_with("作者") ||
            rest.starts_with("编辑") || rest.starts_with("发布") || rest.starts_with("时间") || rest.starts_with("来源") ||
            rest.starts_with("记者") || rest.starts_with("浏览") || rest.starts_with("日期"))
          break;
        ++end;
      }
      std::string v(text.substr(i, end - i));
      if (!v.empty() && v.size() <= 45) return v;
      at = text.find(label, at + label.size());
    }
  }
  return {};
}

std::optional<UnixSeconds> date_after_label(std::string_view text, const DateReference& ref) {
  for (std::string_view label : {"发布时间", "发布日期", "发表时间", "发稿时间", "发表于", "发布于", "时间：", "日期：",
                                 "时间:", "日期:", "Published", "published"}) {
    for (size_t at = text.find(label); at != std::string_view::npos; at = text.find(label, at + 1)) {
      const std::string_view window = text.substr(at + label.size(), 48);
      if (const auto t = find_datetime(window, ref)) return t;
    }
  }
  return std::nullopt;
}

// A date right after a CMS variable name in inline script ("pubtime": "2019-09-07 19:02:26").
std::optional<UnixSeconds> date_in_scripts(std::string_view scripts) {
  for (std::string_view key : {"datePublished", "publish_time", "publishTime", "pubtime", "pubTime", "pubDate",
                               "pubdate", "publishDate", "publish_date", "pub_time", "publishtime"}) {
    for (size_t at = scripts.find(key); at != std::string_view::npos; at = scripts.find(key, at + 1)) {
      size_t i = at + key.size();
      // Only `key": "value"`, `key: 'value'` or `key = "value"`: not a longer identifier.
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      if (i >= scripts.size() || (scripts[i] != ':' && scripts[i] != '=')) continue;
      const std::string_view window = scripts.substr(i + 1, 40);
      if (auto t = parse_datetime_value(trim(std::string(window.substr(0, window.find_first_of(",}\n")))))) return t;
      if (auto t = find_datetime(window)) return t;
    }
  }
  // WeChat-style `var ct = "1581517074"`: a short name, so only as a whole identifier holding
  // Unix seconds.
  for (std::string_view key : {"ct"}) {
    for (size_t at = scripts.find(key); at != std::string_view::npos; at = scripts.find(key, at + 1)) {
      if (at > 0 && (std::isalnum(static_cast<unsigned char>(scripts[at - 1])) || scripts[at - 1] == '_' ||
                     scripts[at - 1] == '$' || scripts[at - 1] == '.'))
        continue;
      size_t i = at + key.size();
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      if (i >= scripts.size() || (scripts[i] != ':' && scripts[i] != '=')) continue;
      ++i;
      while (i < scripts.size() && (scripts[i] == '"' || scripts[i] == '\'' || scripts[i] == ' ')) ++i;
      size_t end = i;
      while (end < scripts.size() && std::isdigit(static_cast<unsigned char>(scripts[end]))) ++end;
      if (end - i != 10 || (end < scripts.size() && std::isalpha(static_cast<unsigned char>(scripts[end])))) continue;
      if (auto t = parse_datetime_value(scripts.substr(i, 10))) return t;
    }
  }
  return std::nullopt;
}

// The page's own modification time (meta or JSON-LD), an upper bound for its publish time.
std::optional<UnixSeconds> modified_time(const PageMeta& m, const JsonLdArticle& ld) {
  if (!ld.date_modified.empty())
    if (auto t = parse_datetime_value(ld.date_modified)) return t;
  const std::string v = meta_value(m, {"article:modified_time", "og:updated_time", "datemodified", "dateupdate",
                                       "dateupdated", "last-modified", "lastmodified"});
  return v.empty() ? std::nullopt : parse_datetime_value(v);
}

std::optional<UnixSeconds> date_from_url(std::string_view url) {
  // /2022/06/18/, /2022-06/18/, /20220618/ and t20220618_ forms.
  for (size_t i = 0; i + 8 <= url.size(); ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(url[i - 1]))) continue;
    if (!(url.compare(i, 2, "19") == 0 || url.compare(i, 2, "20") == 0)) continue;
    std::string digits;
    size_t j = i;
    while (j < url.size() && digits.size() < 8 && (std::isdigit(static_cast<unsigned char>(url[j])) ||
                                                    ((url[j] == '/' || url[j] == '-') && (digits.size() == 4 || digits.size() == 6))))
      if (std::isdigit(static_cast<unsigned char>(url[j++]))) digits += url[j - 1];
    if (digits.size() != 8 || (j < url.size() && std::isdigit(static_cast<unsigned char>(url[j])))) continue;
    const std::string iso = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
    if (auto t = find_datetime(iso)) return t;
  }
  return std::nullopt;
}

std::string choose_title(const PageMeta& m, const JsonLdArticle& ld) {
  const std::string og = meta_value(m, {"og:title", "twitter:title"});
  for (const std::string& h : m.h1) {
    if (h.size() < 4) continue;
    if ((!m.title_tag.empty() && m.title_tag.find(h) != std::string::npos) || (!og.empty() && og.find(h) != std::string::npos) ||
        (!ld.headline.empty() && ld.headline == h))
      return h;
  }
  if (!ld.headline.empty()) return ld.headline;
  if (!og.empty()) return og;
  if (m.h1.size() == 1 && m.h1[0].size() >= 12) return m.h1[0];
  // "<headline>_<channel>_<site>": the headline comes first.
  std::string t = m.title_tag;
  for (std::string_view sep : {"_", " | ", " - ", " – ", " — ", "--", "——", "｜", "|"}) {
    const auto at = t.find(sep);
    if (at != std::string::npos && at >= 12) t = trim(t.substr(0, at));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Comments

bool class_has(const GumboNode* n, std::initializer_list<std::string_view> words) {
  const std::string hint = lower(attribute(n, "class")) + " " + lower(attribute(n, "id"));
  return contains_any(hint, words);
}

const GumboNode* find_descendant(const GumboNode* root, std::initializer_list<std::string_view> words) {
  const GumboNode* found = nullptr;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty() && !found) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    if (n != root && class_has(n, words)) found = n;
    const GumboVector& kids = n->v.element.children;
    for (unsigned k = kids.length; k-- > 0;) stack.push_back(static_cast<const GumboNode*>(kids.data[k]));
  }
  return found;
}

std::vector<const GumboNode*> element_children(const GumboNode* n) {
  std::vector<const GumboNode*> out;
  const GumboVector& kids = n->v.element.children;
  for (unsigned k = 0; k < kids.length; ++k) {
    const auto* c = static_cast<const GumboNode*>(kids.data[k]);
    if (c->type == GUMBO_NODE_ELEMENT) out.push_back(c);
  }
  return out;
}

// The element under `block` with the most children sharing one tag and class: the comment list.
std::vector<const GumboNode*> repeated_items(const GumboNode* block) {
  std::vector<const GumboNode*> best;
  std::vector<const GumboNode*> stack{block};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    const auto kids = element_children(n);
    std::map<std::string, std::vector<const GumboNode*>> groups;
    for (const GumboNode* k : kids) {
      if (k->v.element.tag == GUMBO_TAG_SCRIPT || k->v.element.tag == GUMBO_TAG_STYLE) continue;
      groups[std::string(gumbo_normalized_tagname(k->v.element.tag)) + "." + attribute(k, "class")].push_back(k);
    }
    for (auto& [key, items] : groups)
      if (items.size() >= 2 && items.size() > best.size()) best = items;
    for (const GumboNode* k : kids) stack.push_back(k);
  }
  return best;
}

std::vector<ExtractedComment> find_comments(const HtmlDocument& page, std::optional<UnixSeconds> now) {
  std::vector<ExtractedComment> out;
  std::vector<const GumboNode*> blocks;
  page.for_each_element([&](const GumboNode* n) {
    if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE) return false;
    if (class_has(n, {"comment", "reply", "replies", "pinglun", "评论"})) {
      blocks.push_back(n);
      return false;
    }
    return true;
  });
  for (const GumboNode* block : blocks) {
    for (const GumboNode* item : repeated_items(block)) {
      ExtractedComment c;
      if (const GumboNode* a = find_descendant(item, {"author", "user", "name", "nick"})) {
        c.author = node_text(a);
        if (c.author.size() > 60) c.author.clear();
      }
      const std::string all = node_text(item);
      c.published_at = now ? find_datetime(all, *now) : find_datetime(all);
      if (const GumboNode* body = find_descendant(item, {"content", "text", "body", "txt", "message", "msg"})) {
        c.text = node_text(body);
      } else {
        // Without a marked body the longest line is the comment; the others are name, time, votes.
        for (const std::string& line : tidy_lines(all))
          if (line.size() > c.text.size() && line != c.author) c.text = line;
      }
      if (!c.text.empty()) out.push_back(std::move(c));
    }
    if (!out.empty()) break;
  }
  return out;
}

std::string selected_text(const HtmlDocument& page, const std::string& selector, bool all) {
  if (selector.empty()) return {};
  const auto sel = Selector::parse(selector);
  if (!sel) return {};
  std::string out;
  for (const GumboNode* n : sel->select_all(page.root())) {
    const std::string t = node_text(n);
    if (t.empty()) continue;
    if (!out.empty()) out += '\n';
    out += t;
    if (!all) break;
  }
  return out;
}

}  // namespace

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view url, const ExtractOptions& options) {
  ExtractedArticle a;
  const ExtractRules& rules = options.rules;
  const PageMeta m = collect_meta(page);
  const JsonLdArticle ld = parse_json_ld(m.json_ld);

  a.title = selected_text(page, rules.title_selector, false);
  if (a.title.empty()) a.title = choose_title(m, ld);

  a.text = selected_text(page, rules.body_selector, true);
  if (a.text.empty()) a.text = generic_body(page, a.title);

  const std::string all_text = node_text(page.root());
  const auto body_at = a.text.empty() ? std::string::npos : all_text.find(a.text.substr(0, std::min<size_t>(a.text.find('\n'), 60)));
  const std::string_view before_body = std::string_view(all_text).substr(0, body_at == std::string::npos ? all_text.size() : body_at);
  const auto now = options.fetched_at;
  // Yearless dates take their year from the page's modification time (or the fetch time).
  const DateReference ref{now, modified_time(m, ld)};
  auto free_date = [&](std::string_view text) { return find_datetime(text, ref); };

  // Publish time, most explicit evidence first.
  if (!rules.time_selector.empty()) {
    if (const auto sel = Selector::parse(rules.time_selector)) {
      if (const GumboNode* n = sel->select_first(page.root())) {
        std::string v = attribute(n, "datetime");
        if (v.empty()) v = attribute(n, "content");
        a.published_at = v.empty() ? free_date(node_text(n)) : parse_datetime_value(v);
      }
    }
  }
  if (!a.published_at && !ld.date_published.empty()) a.published_at = parse_datetime_value(ld.date_published);
  if (!a.published_at) {
    const std::string v = meta_value(
        m, {"article:published_time", "og:article:published_time", "og:published_time", "published_time", "article.published",
            "pubdate", "publishdate", "publish_date", "publication_date", "publishtime", "publish-time", "pub_date",
            "datepublished", "article:published", "weibo: article:create_at", "dc.date.issued", "dcterms.created",
            "dc.date", "dcterms.date", "sailthru.date", "parsely-pub-date", "og:release_date", "originalpublicationdate",
            "rnews:datepublished", "date", "article:modified_time", "og:updated_time"});
    if (!v.empty()) a.published_at = parse_datetime_value(v);
  }
  for (const std::string& v : m.published_props)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = date_after_label(before_body, ref);
  if (!a.published_at) a.published_at = date_in_scripts(m.script_text);
  for (const std::string& v : m.time_attrs)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = free_date(before_body);
  for (const std::string& v : m.time_texts)
    if (!a.published_at) a.published_at = parse_datetime_value(v);
  if (!a.published_at) a.published_at = date_after_label(all_text, ref);
  if (!a.published_at) a.published_at = free_date(std::string_view(a.text).substr(0, 300));
  if (!a.published_at) a.published_at = date_from_url(url);

  a.author = selected_text(page, rules.author_selector, false);
  if (a.author.empty()) a.author = ld.author;
  if (a.author.empty()) {
    a.author = meta_value(m, {"author", "article:author", "dc.creator", "byline", "sailthru.author", "parsely-author"});
    if (a.author.starts_with("http")) a.author.clear();
  }
  if (a.author.empty()) a.author = after_label(before_body, {"作者：", "作者:", "记者：", "记者:", "撰文：", "文／", "文/"});
  if (a.author.empty() && !m.author_props.empty()) a.author = m.author_props.front();
  if (a.author.empty()) a.author = after_label(all_text, {"作者：", "作者:", "记者："});

  a.source_name = selected_text(page, rules.source_selector, false);
  if (a.source_name.empty()) a.source_name = after_label(before_body, {"来源：", "来源:", "稿源：", "出处：", "来源 "});
  if (a.source_name.empty()) a.source_name = after_label(all_text, {"来源：", "来源:", "稿源："});
  if (a.source_name.empty()) a.source_name = meta_value(m, {"source", "og:site_name", "application-name"});
  if (a.source_name.empty()) a.source_name = ld.publisher;

  if (options.find_comments) a.comments = find_comments(page, now);
  return a;
}

}  // namespace yuqing::crawlers
