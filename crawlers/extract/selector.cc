#include "crawlers/extract/selector.h"

#include <cctype>

namespace yuqing::crawlers {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view tag_name(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;
  gumbo_tag_from_original_text(&piece);
  return {piece.data, piece.length};
}

bool has_word(std::string_view haystack, std::string_view word) {
  size_t i = 0;
  while (i < haystack.size()) {
    while (i < haystack.size() && std::isspace(static_cast<unsigned char>(haystack[i]))) ++i;
    size_t j = i;
    while (j < haystack.size() && !std::isspace(static_cast<unsigned char>(haystack[j]))) ++j;
    if (j > i && haystack.substr(i, j - i) == word) return true;
    i = j;
  }
  return false;
}

}  // namespace

std::optional<Selector> Selector::parse(std::string_view text) {
  Selector sel;
  Complex current;
  bool pending_child = false;
  size_t i = 0;
  auto read_name = [&] {
    const size_t start = i;
    while (i < text.size() && is_name_char(text[i])) ++i;
    return std::string(text.substr(start, i - start));
  };
  while (i <= text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size() || text[i] == ',') {
      if (current.empty() || pending_child) return std::nullopt;
      sel.alternatives_.push_back(std::move(current));
      current.clear();
      if (i == text.size()) break;
      ++i;
      continue;
    }
    if (text[i] == '>') {
      if (current.empty() || pending_child) return std::nullopt;
      pending_child = true;
      ++i;
      continue;
    }
    Compound c;
    c.child_of_previous = pending_child;
    pending_child = false;
    if (text[i] == '*') {
      ++i;
    } else if (is_name_char(text[i])) {
      c.tag = lower(read_name());
    }
    while (i < text.size() && (text[i] == '#' || text[i] == '.' || text[i] == '[')) {
      const char kind = text[i++];
      if (kind == '#' || kind == '.') {
        std::string name = read_name();
        if (name.empty()) return std::nullopt;
        c.attrs.push_back({kind == '#' ? "id" : "class", std::move(name), kind == '#' ? '=' : '~'});
        continue;
      }
      Attr a;
      a.name = lower(read_name());
      if (a.name.empty()) return std::nullopt;
      if (i < text.size() && text[i] != ']') {
        if (text[i] == '=') {
          a.op = '=';
          ++i;
        } else if (i + 1 < text.size() && text[i + 1] == '=' && std::string_view("~^$*").find(text[i]) != std::string_view::npos) {
          a.op = text[i];
          i += 2;
        } else {
          return std::nullopt;
        }
        if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
          const char quote = text[i++];
          const size_t end = text.find(quote, i);
          if (end == std::string_view::npos) return std::nullopt;
          a.value = std::string(text.substr(i, end - i));
          i = end + 1;
        } else {
          const size_t start = i;
          while (i < text.size() && text[i] != ']') ++i;
          a.value = std::string(text.substr(start, i - start));
        }
      }
      if (i >= text.size() || text[i] != ']') return std::nullopt;
      ++i;
      c.attrs.push_back(std::move(a));
    }
    // Anything else here (':', '+', '~' ...) is outside the subset.
    if (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '>') return std::nullopt;
    current.push_back(std::move(c));
  }
  if (sel.alternatives_.empty()) return std::nullopt;
  return sel;
}

bool Selector::match_compound(const Compound& c, const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  if (!c.tag.empty() && lower(tag_name(node)) != c.tag) return false;
  for (const Attr& a : c.attrs) {
    const GumboAttribute* attr = gumbo_get_attribute(&node->v.element.attributes, a.name.c_str());
    if (!attr) return false;
    const std::string_view v = attr->value;
    switch (a.op) {
      case 0: break;
      case '=': if (v != a.value) return false; break;
      case '~': if (!has_word(v, a.value)) return false; break;
      case '^': if (!v.starts_with(a.value)) return false; break;
      case '$': if (!v.ends_with(a.value)) return false; break;
      case '*': if (v.find(a.value) == std::string_view::npos) return false; break;
      default: return false;
    }
  }
  return true;
}

bool Selector::match_complex(const Complex& parts, size_t last, const GumboNode* node) {
  if (!match_compound(parts[last], node)) return false;
  if (last == 0) return true;
  const GumboNode* up = node->parent;
  if (parts[last].child_of_previous) return up && up->type == GUMBO_NODE_ELEMENT && match_complex(parts, last - 1, up);
  for (; up && up->type == GUMBO_NODE_ELEMENT; up = up->parent)
    if (match_complex(parts, last - 1, up)) return true;
  return false;
}

bool Selector::matches(const GumboNode* node) const {
  for (const Complex& parts : alternatives_)
    if (match_complex(parts, parts.size() - 1, node)) return true;
  return false;
}

std::vector<const GumboNode*> Selector::select_all(const GumboNode* root) const {
  std::vector<const GumboNode*> out;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    if (matches(n)) out.push_back(n);
    const GumboVector& kids = n->v.element.children;
    for (unsigned k = kids.length; k-- > 0;) stack.push_back(static_cast<const GumboNode*>(kids.data[k]));
  }
  return out;
}

const GumboNode* Selector::select_first(const GumboNode* root) const {
  const auto all = select_all(root);
  return all.empty() ? nullptr : all.front();
}

}  // namespace yuqing::crawlers
