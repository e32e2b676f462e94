// Sources: the sites to crawl, from configs/sources.yaml. A new site is a YAML entry, not code.
//
//   sources:
//     - name: local-news                 # becomes Document::site; names the frontier state file
//       seeds: [http://127.0.0.1:18081/news/list.html]
//       allow_private: true              # may fetch loopback/private addresses (sandbox only)
//       charset: ""                      # force a charset ("" = header -> BOM -> meta -> detection)
//       recrawl_minutes: 30              # lists, feeds and sitemaps are fetched again this often
//       follow: ['/news/list(_\d+)?\.html$']       # list pages: fetched for their links
//       feeds: ['/rss\.xml$']                       # RSS 2.0 / Atom: item links are followed
//       sitemaps: ['/sitemap[\w-]*\.xml$']          # sitemap index, urlset, news sitemap
//       robots_sitemaps: true            # also read the sitemaps robots.txt names
//       documents: ['/news/\d{4}-\d{2}/\d{2}/content_\d+\.htm$']  # pages that are one document
//       kind: article                    # the documents' kind: article | message | post ...
//       fields:                          # optional field specs; override generic extraction
//         title: h1.title                #   (keys: title, text, published_at, author, source_name;
//                                        #   extract/fields.h says what a spec reads)
//       items:                           # item sets: each item its own Document
//         - name: comments
//           kind: comment
//           on: pages                    # "pages": separate item pages (below);
//                                        # "documents": the document pages themselves
//           pages: ['/comment/content_\d+_\d+\.html$']
//           entry: '.comment-entry a@href'    # link on a document page to the first item page
//           item: div.comment-item            # one element per item
//           key: 'comment:{}'                 # item key; {} = the digits of key_field, {n} = ordinal
//           key_field: '@id'
//           fields: {author: span.user, text: p.text, published_at: span.time}
//           drop: [blockquote.quote]          # removed from the item's text
//           next: 'a.next@href'               # pagination: link to the next item page
//           parent: document                  # document (the page that linked them) | first_item
//           recrawl_minutes: 60               # decaying: 60, 120, 240... min until recrawl_days
//           recrawl_days: 7
//       comment_api:                     # JSON comments with cursor pagination
//         link: '#comment-box@data-api'  #   on document pages: the API URL (first page)
//         items: data.comments           #   dotted JSON path to the array
//         key: 'comment:{}'
//         key_field: id
//         fields: {author: user, text: content, published_at: created_at}
//         next_cursor: data.next_cursor  #   null/"" ends the thread
//         cursor_param: cursor
//         recrawl_minutes: 60
//         recrawl_days: 7
//
// Patterns are ECMAScript regular expressions searched in the canonical URL. Only links on the
// seeds' origins are followed. Field specs: "css selector" (visible text), "selector@attr",
// "@attr" (of the item itself). Everything is validated at load: bad patterns, selectors and
// unknown keys name their YAML path.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/document.h"
#include "crawlers/extract/fields.h"
#include "crawlers/extract/selector.h"
#include "crawlers/frontier.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

// Item keys: "comment:{}" with {} = the digits of the key field (all of it when it has none),
// {n} = the 1-based ordinal of the item on its page.
std::string format_item_key(const std::string& pattern, const std::string& key_value, size_t ordinal);

struct ItemSet {
  std::string name;
  DocKind kind = DocKind::comment;
  bool on_documents = false;  // items sit on the document pages themselves
  std::vector<std::regex> pages;
  std::optional<FieldSpec> entry;
  Selector item;
  std::string key = "{n}";
  std::optional<FieldSpec> key_field;
  Fields fields;
  std::vector<Selector> drop;
  std::optional<FieldSpec> next;
  bool parent_first_item = false;
  double recrawl_minutes = 60;
  double recrawl_days = 7;
};

struct CommentApi {
  FieldSpec link;
  std::string items = "data.comments";
  std::string key = "comment:{}";
  std::string key_field = "id";
  std::map<std::string, std::string> fields;  // title/text/published_at/author -> JSON path
  std::string next_cursor = "data.next_cursor";
  std::string cursor_param = "cursor";
  DocKind kind = DocKind::comment;
  double recrawl_minutes = 60;
  double recrawl_days = 7;
};

struct Source {
  std::string name;
  std::vector<std::string> seeds;
  bool allow_private = false;
  std::string charset;
  double recrawl_minutes = 60;
  std::vector<std::regex> follow;
  std::vector<std::regex> feeds;
  std::vector<std::regex> sitemaps;
  bool robots_sitemaps = false;
  std::vector<std::regex> documents;
  DocKind kind = DocKind::article;
  Fields fields;
  std::vector<ItemSet> items;
  std::optional<CommentApi> comment_api;

  bool is_list(const std::string& url) const;
  bool is_document(const std::string& url) const;
  // The role a URL found on this source's pages plays, or nullopt when it is not to be crawled.
  std::optional<Role> role_of(const std::string& url) const;
  // The item set whose `pages` match `url` (nullptr if none).
  const ItemSet* item_pages(const std::string& url) const;
};

std::vector<Source> load_sources(const std::filesystem::path& file);

// Dotted JSON path lookup ("data.next_cursor", "user.name"); nullptr when absent.
const nlohmann::json* json_path(const nlohmann::json& root, const std::string& path);

}  // namespace yuqing::crawlers
