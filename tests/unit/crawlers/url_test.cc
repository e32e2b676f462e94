#include "crawlers/url.h"

#include <gtest/gtest.h>

namespace yuqing::crawlers {

TEST(Url, ResolvesRelativeLinksAgainstThePage) {
  EXPECT_EQ(resolve_url("http://a.cn/news/list.html", "20220618/a1.html"), "http://a.cn/news/20220618/a1.html");
  EXPECT_EQ(resolve_url("http://a.cn/news/list.html", "/x.html"), "http://a.cn/x.html");
  EXPECT_EQ(resolve_url("http://a.cn/news/list.html", "../y.html?p=2"), "http://a.cn/y.html?p=2");
  EXPECT_EQ(resolve_url("https://a.cn/n/", "//b.cn/z"), "https://b.cn/z");
}

TEST(Url, RefusesNonHttpTargets) {
  EXPECT_FALSE(resolve_url("http://a.cn/", "javascript:void(0)"));
  EXPECT_FALSE(resolve_url("http://a.cn/", "mailto:x@a.cn"));
  EXPECT_FALSE(resolve_url("http://a.cn/", "ftp://a.cn/file"));
  EXPECT_FALSE(resolve_url("http://a.cn/", "   "));
}

TEST(Url, CanonicalFormDropsWhatDoesNotChangeThePage) {
  EXPECT_EQ(canonical_url("HTTP://WWW.Gov.CN:80/a.html#top"), "http://www.gov.cn/a.html");
  EXPECT_EQ(canonical_url("https://gov.cn:443"), "https://gov.cn/");
  EXPECT_EQ(canonical_url("http://gov.cn:8080/a"), "http://gov.cn:8080/a");
  EXPECT_EQ(canonical_url("http://gov.cn/a?id=3&utm_source=wx&spm=1.2"), "http://gov.cn/a?id=3");
  EXPECT_EQ(canonical_url("http://gov.cn/a?utm_medium=x"), "http://gov.cn/a");
  EXPECT_EQ(canonical_url("http://gov.cn/Path/Case"), "http://gov.cn/Path/Case");
  EXPECT_FALSE(canonical_url("file:///etc/passwd"));
}

TEST(Url, HostIsLowerCase) {
  EXPECT_EQ(url_host("http://WWW.Example.CN:8080/x"), "www.example.cn");
  EXPECT_EQ(url_host("not a url"), "");
}

}  // namespace yuqing::crawlers
