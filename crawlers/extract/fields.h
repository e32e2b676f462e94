// Per-site field specs: the one way a site's own markup overrides generic extraction.
//
// A source in configs/sources.yaml spells them under `fields:` (for its document pages) and under
// an item set's `fields:` (for each item: a comment, a reply, a forum post); `yuqing extract`
// takes the same specs on its command line, so what it prints for a saved page is what the
// crawler would produce with that source:
//
//   fields:
//     title: h1.title                 # visible text of the first match
//     text: div.article-content
//     author: li.author               # a leading label such as 留言人： is dropped
//     source_name: span.source        # likewise (来源：)
//     published_at: 'time@datetime'   # "selector@attr" reads an attribute, "@attr" the scope's own
//
// Contract
// - FieldSpec::parse() accepts "selector", "selector@attr" or "@attr" with the selector subset of
//   selector.h and fails (nullopt, with a reason) on anything else, so a bad spec is refused when
//   it is read, never silently ignored on every page.
// - A spec yields the value of the *first* match under its scope; "" when nothing matches.
// - apply_fields() overrides a field only when its spec yields a value: no match, an empty text
//   or an unreadable time leaves the generic (or previous) value in place, so a rule that breaks
//   when a site changes its template degrades to generic extraction instead of to empty fields.
// - Times: an ISO 8601 / Unix value first, else the first date in the text, relative forms
//   ("3小时前") counted from the fetch time when one is given (datetime.h).
// Pure and thread-safe: specs are immutable after parse().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "crawlers/extract/selector.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

// A selector plus what to take from the match: its visible text or an attribute.
class FieldSpec {
 public:
  static std::optional<FieldSpec> parse(std::string_view text, std::string* error = nullptr);
  // The value within `scope` ("" when nothing matches). `drop` elements are left out of text.
  std::string extract(const GumboNode* scope, const std::vector<Selector>& drop = {}) const;
  std::vector<std::string> extract_all(const GumboNode* scope) const;
  bool empty() const { return !selector_ && attribute_.empty(); }

 private:
  std::optional<Selector> selector_;  // nullopt: the scope itself
  std::string attribute_;             // "" = visible text
};

// The YAML keys: title, text, published_at, author, source_name.
struct Fields {
  std::optional<FieldSpec> title, text, published_at, author, source_name;
};

// What a page or item says, generically extracted and/or by field specs.
struct ExtractedFields {
  std::string title;
  std::string text;
  std::optional<UnixSeconds> published_at;
  std::string author;
  std::string source_name;
};

// Overrides the fields of `out` whose spec yields a value within `scope` (see the contract).
void apply_fields(const Fields& fields, const GumboNode* scope, const std::vector<Selector>& drop,
                  std::optional<UnixSeconds> fetched_at, ExtractedFields& out);

// A time as a field holds it (also a comment API's JSON value): ISO 8601 or Unix seconds, else
// the first date in the text; relative forms only with `fetched_at`.
std::optional<UnixSeconds> read_field_time(const std::string& text, std::optional<UnixSeconds> fetched_at);

}  // namespace yuqing::crawlers
