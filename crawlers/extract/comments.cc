#include "crawlers/extract/comments.h"

#include <map>

#include "crawlers/extract/datetime.h"
#include "crawlers/extract/text.h"

namespace yuqing::crawlers {
namespace {

using text::contains_any;
using text::lower;
using text::tidy_lines;

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

}  // namespace

std::vector<ExtractedComment> extract_comments(const HtmlDocument& page, std::optional<UnixSeconds> now) {
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

}  // namespace yuqing::crawlers
