#include "crawlers/extract/article.h"

#include "crawlers/extract/body.h"
#include "crawlers/extract/metadata.h"

namespace yuqing::crawlers {

ExtractedArticle extract_article(const HtmlDocument& page, std::string_view url, const ExtractOptions& options) {
  ExtractedArticle a;
  const PageMetadata meta(page);
  a.title = meta.title();
  a.text = extract_body(page, a.title);
  Byline b = meta.byline(a.text, url, options.fetched_at);
  a.published_at = b.published_at;
  a.author = std::move(b.author);
  a.source_name = std::move(b.source_name);
  apply_fields(options.fields, page.root(), {}, options.fetched_at, a);
  if (options.find_comments) a.comments = extract_comments(page, options.fetched_at);
  return a;
}

}  // namespace yuqing::crawlers
