// robots.txt (crawlers/robots.h): the first line is a URL or path to ask about, the rest the file.
// Contract checked: parse() and every query never throw; a crawl-delay is >= 0 and finite;
// "/robots.txt" is always allowed.
#include <cmath>

#include "crawlers/robots.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto f = fuzz::fields(fuzz::bytes(data, size), 2);
  const auto rules = crawlers::RobotsRules::parse(f[1]);
  static const char* const kAgents[] = {"yuqing/0.1 (+https://example.org/bot)", "Googlebot/2.1", "Foo Bar", ""};
  static const char* const kUrls[] = {"/", "/a/b?c=d", "https://example.cn/news/2024/1.html#x", "//h/p", "/%E4%B8%AD*$"};
  for (const char* agent : kAgents) {
    (void)rules.allowed(agent, f[0]);
    for (const char* url : kUrls) (void)rules.allowed(agent, url);
    if (!rules.allowed(agent, "/robots.txt")) fuzz::fail("/robots.txt disallowed", agent);
    if (auto d = rules.crawl_delay(agent); d && !(std::isfinite(*d) && *d >= 0)) fuzz::fail("bad crawl-delay", agent);
  }
  (void)rules.allowed(f[0], "/");
  (void)rules.sitemaps();
  return 0;
}
