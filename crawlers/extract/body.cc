#include "crawlers/extract/body.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "crawlers/extract/datetime.h"
#include "crawlers/extract/text.h"

namespace yuqing::crawlers {
namespace {

using text::contains_any;
using text::lower;
using text::measure;
using text::tidy_lines;
using text::trim;

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

}  // namespace

std::string extract_body(const HtmlDocument& page, const std::string& title) {
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

}  // namespace yuqing::crawlers
