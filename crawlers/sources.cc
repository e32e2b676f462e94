#include "crawlers/sources.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/yaml_reader.h"
#include "crawlers/url.h"

namespace yuqing::crawlers {
namespace {

std::vector<std::regex> patterns(YamlSection& s, const std::string& key) {
  std::vector<std::string> raw;
  s.read(key, raw);
  std::vector<std::regex> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    try {
      out.emplace_back(raw[i], std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      s.fail(key + "[" + std::to_string(i) + "]", "bad regular expression '" + raw[i] + "': " + e.what());
    }
  }
  return out;
}

bool any_match(const std::vector<std::regex>& list, const std::string& url) {
  return std::any_of(list.begin(), list.end(), [&](const std::regex& r) { return std::regex_search(url, r); });
}

std::optional<FieldSpec> field(YamlSection& s, const std::string& key) {
  if (!s.has(key)) return std::nullopt;
  std::string text;
  s.read(key, text);
  std::string error;
  auto f = FieldSpec::parse(text, &error);
  if (!f) s.fail(key, "bad field spec '" + text + "': " + error);
  return f;
}

Selector selector(YamlSection& s, const std::string& key, const std::string& text) {
  auto sel = Selector::parse(text);
  if (!sel) s.fail(key, "bad or unsupported selector '" + text + "'");
  return *sel;
}

Fields read_fields(YamlSection s) {
  Fields f;
  f.title = field(s, "title");
  f.text = field(s, "text");
  f.published_at = field(s, "published_at");
  f.author = field(s, "author");
  f.source_name = field(s, "source_name");
  s.finish();
  return f;
}

DocKind read_kind(YamlSection& s, DocKind fallback) {
  std::string kind = to_string(fallback);
  s.read("kind", kind);
  auto k = doc_kind_from_string(kind);
  if (!k) s.fail("kind", "unknown kind '" + kind + "' (article, comment, message, reply, post)");
  return *k;
}

void read_recrawl(YamlSection& s, double& minutes, double& days) {
  s.read("recrawl_minutes", minutes, 0.01, 525600);
  s.read("recrawl_days", days, 0, 3650);
}

ItemSet read_item_set(YamlSection s) {
  ItemSet set;
  s.read("name", set.name);
  if (set.name.empty()) s.fail("name", "every item set needs a name");
  set.kind = read_kind(s, DocKind::comment);
  std::string on = "pages";
  s.read("on", on);
  if (on != "pages" && on != "documents") s.fail("on", "expected 'pages' or 'documents', got '" + on + "'");
  set.on_documents = on == "documents";
  set.pages = patterns(s, "pages");
  if (!set.on_documents && set.pages.empty()) s.fail("pages", "item pages need at least one URL pattern");
  set.entry = field(s, "entry");
  std::string item;
  s.read("item", item);
  set.item = selector(s, "item", item);
  s.read("key", set.key);
  set.key_field = field(s, "key_field");
  set.fields = read_fields(s.child("fields"));
  if (!set.fields.text) s.fail("fields", "an item set needs at least fields.text");
  std::vector<std::string> drop;
  s.read("drop", drop);
  for (size_t i = 0; i < drop.size(); ++i) set.drop.push_back(selector(s, "drop[" + std::to_string(i) + "]", drop[i]));
  set.next = field(s, "next");
  std::string parent = "document";
  s.read("parent", parent);
  if (parent != "document" && parent != "first_item") s.fail("parent", "expected 'document' or 'first_item'");
  set.parent_first_item = parent == "first_item";
  read_recrawl(s, set.recrawl_minutes, set.recrawl_days);
  s.finish();
  return set;
}

CommentApi read_comment_api(YamlSection s) {
  CommentApi api;
  auto link = field(s, "link");
  if (!link) s.fail("link", "comment_api needs `link`, the field spec of the API URL on document pages");
  api.link = *link;
  s.read("items", api.items);
  s.read("key", api.key);
  s.read("key_field", api.key_field);
  s.read("fields", api.fields);
  for (const auto& [k, v] : api.fields)
    if (k != "title" && k != "text" && k != "published_at" && k != "author" && k != "source_name")
      s.fail("fields." + k, "unknown field (title, text, published_at, author, source_name)");
  if (!api.fields.count("text")) s.fail("fields", "comment_api needs at least fields.text");
  s.read("next_cursor", api.next_cursor);
  s.read("cursor_param", api.cursor_param);
  api.kind = read_kind(s, DocKind::comment);
  read_recrawl(s, api.recrawl_minutes, api.recrawl_days);
  s.finish();
  return api;
}

}  // namespace

std::string format_item_key(const std::string& pattern, const std::string& key_value, size_t ordinal) {
  std::string digits;
  for (char c : key_value)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  if (digits.empty()) digits = key_value;
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "{}") == 0) {
      out += digits;
      ++i;
    } else if (pattern.compare(i, 3, "{n}") == 0) {
      out += std::to_string(ordinal);
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

const nlohmann::json* json_path(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* j = &root;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!part.empty()) {
      if (!j->is_object() || !j->contains(part)) return nullptr;
      j = &(*j)[part];
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return j;
}

bool Source::is_list(const std::string& url) const { return any_match(follow, url); }
bool Source::is_document(const std::string& url) const { return any_match(documents, url); }

const ItemSet* Source::item_pages(const std::string& url) const {
  for (const auto& set : items)
    if (!set.on_documents && any_match(set.pages, url)) return &set;
  return nullptr;
}

std::optional<Role> Source::role_of(const std::string& url) const {
  if (any_match(feeds, url)) return Role::feed;
  if (any_match(sitemaps, url)) return Role::sitemap;
  if (is_document(url)) return Role::document;
  if (item_pages(url)) return Role::comments;
  if (is_list(url)) return Role::list;
  return std::nullopt;
}

std::vector<Source> load_sources(const std::filesystem::path& file) {
  YamlSection root(load_yaml_file(file.string()), file.string());
  std::vector<Source> out;
  std::set<std::string> names;
  for (auto& s : root.children("sources")) {
    Source src;
    s.read("name", src.name);
    if (src.name.empty()) s.fail("name", "every source needs a name");
    if (src.name.find_first_of("/\\ ") != std::string::npos || src.name[0] == '.')
      s.fail("name", "a source name must be usable as a file name: '" + src.name + "'");
    if (!names.insert(src.name).second) s.fail("name", "duplicate source name '" + src.name + "'");
    s.read("seeds", src.seeds);
    if (src.seeds.empty()) s.fail("seeds", "source '" + src.name + "' needs at least one seed URL");
    for (size_t i = 0; i < src.seeds.size(); ++i)
      if (!canonical_url(src.seeds[i])) s.fail("seeds[" + std::to_string(i) + "]", "not an http(s) URL: " + src.seeds[i]);
    s.read("allow_private", src.allow_private);
    s.read("charset", src.charset);
    s.read("recrawl_minutes", src.recrawl_minutes, 0.01, 525600);
    src.follow = patterns(s, "follow");
    src.feeds = patterns(s, "feeds");
    src.sitemaps = patterns(s, "sitemaps");
    s.read("robots_sitemaps", src.robots_sitemaps);
    src.documents = patterns(s, "documents");
    src.kind = read_kind(s, DocKind::article);
    src.fields = read_fields(s.child("fields"));
    for (auto& item : s.children("items")) src.items.push_back(read_item_set(item));
    if (s.has("comment_api")) src.comment_api = read_comment_api(s.child("comment_api"));
    if (src.documents.empty() && src.items.empty())
      s.fail("documents", "source '" + src.name + "' needs document patterns or item sets");
    s.finish();
    out.push_back(std::move(src));
  }
  root.finish();
  if (out.empty()) throw ConfigError(file.string() + ": no sources defined");
  return out;
}

}  // namespace yuqing::crawlers
