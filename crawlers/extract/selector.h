// A small CSS selector subset over gumbo, for per-site extraction rules written in YAML.
//
// Grammar (whitespace around `>` and `,` is optional):
//   selector-list := selector ("," selector)*
//   selector      := compound ((" " | ">") compound)*       descendant and child combinators
//   compound      := [tag | "*"] ("#" id | "." class | "[" attr [op value] "]")*
//   op            := "=" | "~=" | "^=" | "$=" | "*="          value optionally in '…' or "…"
// Tag, attribute names and class/id are compared as written except tags (case-insensitive).
// Not supported (parse() fails): pseudo-classes, sibling combinators, namespaces.
//
// Contract: parse() returns nullopt for an empty or unsupported selector, so a bad rule is
// rejected when sources.yaml is loaded, not on every page. Matching is read-only and thread-safe.
#pragma once

#include <gumbo.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yuqing::crawlers {

class Selector {
 public:
  static std::optional<Selector> parse(std::string_view text);

  bool matches(const GumboNode* node) const;
  // Matching elements under (and including) `root`, in document order.
  std::vector<const GumboNode*> select_all(const GumboNode* root) const;
  const GumboNode* select_first(const GumboNode* root) const;

 private:
  struct Attr {
    std::string name, value;
    char op = 0;  // 0: present, '=': equal, '~': word, '^': prefix, '$': suffix, '*': substring
  };
  struct Compound {
    std::string tag;  // lower-case; "" for any
    std::vector<Attr> attrs;
    bool child_of_previous = false;  // `>` before this compound
  };
  using Complex = std::vector<Compound>;

  static bool match_compound(const Compound& c, const GumboNode* node);
  static bool match_complex(const Complex& parts, size_t last, const GumboNode* node);

  std::vector<Complex> alternatives_;
};

}  // namespace yuqing::crawlers
