// A comment API's answer (a source's `comment_api` in sources.yaml) read with the source's JSON
// paths: one document per item with text, the key its id is made from, and the next page's cursor.
// Anything but JSON with an array at `items` is refused as a whole (the crawler counts one "bad
// comment api answer" for its source and goes on); within an array, an item without text is
// skipped, and a field of another JSON type is read as its JSON text, so one odd item never costs
// the rest of the page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "crawlers/sources.h"

namespace yuqing::crawlers {

struct CommentApiItem {
  Document document;  // kind and the mapped fields (title, text, author, source_name, published_at)
  std::string key;    // api.key filled in: {} the key field (its digits if it has any), {n} the 1-based position
};

struct CommentApiPage {
  std::vector<CommentApiItem> items;
  std::string next_cursor;  // empty on the last page
};

std::optional<CommentApiPage> read_comment_api(const CommentApi& api, std::string_view body, UnixSeconds now);

}  // namespace yuqing::crawlers
