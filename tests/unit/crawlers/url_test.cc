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

TEST(Url, OriginIsSchemeHostAndNonDefaultPort) {
  EXPECT_EQ(url_origin("http://Example.CN:80/a?b"), "http://example.cn");
  EXPECT_EQ(url_origin("https://a.cn:8443/x"), "https://a.cn:8443");
  EXPECT_EQ(url_origin("ftp://a.cn/x"), "");
}

TEST(Url, SetQueryParamReplacesOrAppendsOneParameter) {
  // The comment API's cursor: replaced where it was, other parameters kept in their order.
  EXPECT_EQ(set_query_param("http://a.cn/api?id=7&cursor=1&n=20", "cursor", "2"), "http://a.cn/api?id=7&n=20&cursor=2");
  EXPECT_EQ(set_query_param("http://a.cn/api?id=7", "cursor", "abc"), "http://a.cn/api?id=7&cursor=abc");
  EXPECT_EQ(set_query_param("http://a.cn/api", "cursor", "abc"), "http://a.cn/api?cursor=abc");
  EXPECT_EQ(set_query_param("http://a.cn/api?", "cursor", "abc"), "http://a.cn/api?cursor=abc");
  // Every earlier pair of that name goes; empty pairs go too; a name that only starts alike stays.
  EXPECT_EQ(set_query_param("http://a.cn/api?cursor=1&&cursor=2&cursors=3", "cursor", "4"),
            "http://a.cn/api?cursors=3&cursor=4");
  EXPECT_EQ(set_query_param("http://a.cn/api?cursor&x=1", "cursor", "4"), "http://a.cn/api?x=1&cursor=4");
  // The value is percent-encoded, so an opaque cursor cannot add parameters of its own.
  EXPECT_EQ(set_query_param("http://a.cn/api", "cursor", "a b&c=d/é"), "http://a.cn/api?cursor=a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(set_query_param("http://a.cn/api", "cursor", ""), "http://a.cn/api?cursor=");
}

}  // namespace yuqing::crawlers
