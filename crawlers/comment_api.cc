#include "crawlers/comment_api.h"

#include <nlohmann/json.hpp>

#include "crawlers/extract/fields.h"

namespace yuqing::crawlers {

namespace {

std::string text_of(const nlohmann::json* v) {
  if (!v || v->is_null()) return {};
  return v->is_string() ? v->get<std::string>() : v->dump();
}

}  // namespace

std::optional<CommentApiPage> read_comment_api(const CommentApi& api, std::string_view body, UnixSeconds now) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* items = json.is_discarded() ? nullptr : json_path(json, api.items);
  if (!items || !items->is_array()) return std::nullopt;
  CommentApiPage page;
  size_t ordinal = 0;
  for (const auto& item : *items) {
    ++ordinal;
    CommentApiItem out;
    Document& d = out.document;
    d.kind = api.kind;
    for (const auto& [field, path] : api.fields) {
      const std::string v = text_of(json_path(item, path));
      if (field == "title") d.title = v;
      else if (field == "text") d.text = v;
      else if (field == "author") d.author = v;
      else if (field == "source_name") d.source_name = v;
      else if (field == "published_at") d.published_at = read_field_time(v, now);
    }
    if (d.text.empty()) continue;
    out.key = format_item_key(api.key, text_of(json_path(item, api.key_field)), ordinal);
    page.items.push_back(std::move(out));
  }
  page.next_cursor = text_of(json_path(json, api.next_cursor));
  if (page.next_cursor == "null") page.next_cursor.clear();
  return page;
}

}  // namespace yuqing::crawlers
