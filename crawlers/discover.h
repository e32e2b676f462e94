// Link discovery from machine-readable indexes: RSS 2.0 and Atom feeds, XML sitemaps (urlset,
// sitemap index, Google news sitemaps). Pure functions over the decoded (UTF-8) text; they never
// throw and return URLs as written (absolute per the formats; resolve relative ones anyway).
// A tolerant scanner rather than a validating XML parser: feeds in the wild are often not
// well-formed, and all we need are the links.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yuqing::crawlers {

// RSS <item><link> (falling back to a permalink <guid>) and Atom <entry><link href> with
// rel="alternate" or no rel; in document order.
std::vector<std::string> feed_links(std::string_view xml);

struct SitemapLinks {
  bool is_index = false;          // <sitemapindex>: the links are further sitemaps
  std::vector<std::string> urls;  // <loc> of each <url> / <sitemap>
};
SitemapLinks sitemap_links(std::string_view xml);

// Sitemaps may be gzip files (sitemap.xml.gz, sitemaps.org): served as application/x-gzip rather
// than with Content-Encoding, so the transport leaves them compressed; the crawl inflates them
// with core/gzip.h before reading the links.

// Undoes XML escaping (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) and a CDATA wrapper; trims.
std::string xml_text(std::string_view raw);

}  // namespace yuqing::crawlers
