// Article metadata: headline, publish time, author and source (来源), found without per-site
// rules in what news and government pages commonly carry.
//
// Contract: PageMetadata reads the page once (meta tags, JSON-LD, <title>/<h1>, <time>,
// itemprops, inline scripts) and then answers from that; it never throws, and a field it cannot
// find is "" (published_at nullopt). It keeps a reference to the page, which must outlive it.
// Read-only after construction, so one instance may be queried from several threads.
//
// Why two calls: the headline is needed before the body is extracted (body.h drops it from the
// text), and the rest needs the body, because a label or date printed *before* the article text
// ("发布时间：… 来源：…") is far more likely to be the article's own than one after it (related
// articles, comments, the footer).
//
// Evidence, most explicit first:
//   headline      an <h1> that <title>, og:title or the JSON-LD headline repeats → JSON-LD headline
//                 → og:title → a lone long <h1> → <title> cut before "_channel_site" separators.
//   published_at  JSON-LD (Article types, @graph) → <meta> tags → itemprop=datePublished →
//                 Chinese labels before the body (发布时间：) → page-script variables (pubtime,
//                 WeChat's Unix `ct`) → <time datetime> → the date before the body nearest the headline (the first after
//                 it, else the last before it; not on a copyright line) → <time>
//                 text → labels anywhere → a date at the start of the body → a date in the URL path (from 1990, not after the fetch time).
//                 A yearless date ("10-08 12:00") takes the latest year that puts it no later
//                 than a day after the page's own modification time (meta dateModified/dateUpdate,
//                 article:modified_time, JSON-LD dateModified) or the fetch time, whichever is
//                 earlier; relative ones ("3小时前") need the fetch time and are ignored without it.
//   author        JSON-LD → <meta> (not a URL) → 作者：/记者： before the body → itemprop/rel
//                 author, *byline* classes → 作者： anywhere.
//   source_name   来源：/稿源： before the body → anywhere → <meta> source/og:site_name →
//                 JSON-LD publisher.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "crawlers/html.h"

namespace yuqing::crawlers {

struct Byline {
  std::optional<UnixSeconds> published_at;
  std::string author;
  std::string source_name;
};

class PageMetadata {
 public:
  explicit PageMetadata(const HtmlDocument& page);
  ~PageMetadata();
  PageMetadata(const PageMetadata&) = delete;
  PageMetadata& operator=(const PageMetadata&) = delete;

  std::string title() const;
  // `body` is the extracted main text ("" if none), `url` the page's (a date in it is the last
  // resort), `fetched_at` the reference for relative and yearless dates (see datetime.h).
  Byline byline(std::string_view body, std::string_view url, std::optional<UnixSeconds> fetched_at) const;

 private:
  struct Collected;
  const HtmlDocument& page_;
  std::unique_ptr<const Collected> c_;
};

}  // namespace yuqing::crawlers
