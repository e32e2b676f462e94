#include "crawlers/discover.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/gzip.h"
#include "crawlers/sources.h"

namespace yuqing::crawlers {

TEST(Discover, RssItemsLinksAndPermalinkGuids) {
  const std::string rss = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>鲁南在线</title><link>http://n.cn/</link>
<item><title>一</title><link>http://n.cn/a/20261005/1.html</link><guid>http://n.cn/a/20261005/1.html</guid></item>
<item><title><![CDATA[二 & 三]]></title><link><![CDATA[http://n.cn/a/20261005/2.html?x=1&y=2]]></link></item>
<item><title>guid only</title><guid isPermaLink="true">http://n.cn/a/3.html</guid></item>
<item><title>not a permalink</title><guid isPermaLink="false">tag:n.cn,4</guid></item>
</channel></rss>)";
  EXPECT_EQ(feed_links(rss), (std::vector<std::string>{"http://n.cn/a/20261005/1.html",
                                                       "http://n.cn/a/20261005/2.html?x=1&y=2", "http://n.cn/a/3.html"}));
}

TEST(Discover, AtomEntriesUseTheAlternateLink) {
  const std::string atom = R"(<feed xmlns="http://www.w3.org/2005/Atom"><link href="http://x.cn/"/>
<entry><link rel="self" href="http://x.cn/self"/><link rel="alternate" href="http://x.cn/e1?a=1&amp;b=2"/></entry>
<entry><link href='http://x.cn/e2'/></entry></feed>)";
  EXPECT_EQ(feed_links(atom), (std::vector<std::string>{"http://x.cn/e1?a=1&b=2", "http://x.cn/e2"}));
}

TEST(Discover, SitemapsIndexUrlsetAndNews) {
  const auto index = sitemap_links(R"(<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://p.cn/sitemap-news.xml</loc></sitemap><sitemap><loc> http://p.cn/sitemap-2.xml </loc></sitemap></sitemapindex>)");
  EXPECT_TRUE(index.is_index);
  EXPECT_EQ(index.urls, (std::vector<std::string>{"http://p.cn/sitemap-news.xml", "http://p.cn/sitemap-2.xml"}));
  const auto news = sitemap_links(R"(<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://p.cn/a?id=1&amp;p=2</loc><news:news><news:title>标题</news:title></news:news><lastmod>2026-10-05</lastmod></url>
<url><loc>http://p.cn/b</loc></url></urlset>)");
  EXPECT_FALSE(news.is_index);
  EXPECT_EQ(news.urls, (std::vector<std::string>{"http://p.cn/a?id=1&p=2", "http://p.cn/b"}));
}

TEST(Discover, GzipSitemapsAreInflatedWithinTheSizeLimit) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://p.cn/新闻/1.html</loc></url>
<url><loc>http://p.cn/2.html</loc></url></urlset>)";
  const std::string gz = gzip(xml);
  ASSERT_TRUE(is_gzip(gz));
  EXPECT_FALSE(is_gzip(xml));
  EXPECT_FALSE(is_gzip("\x1f"));
  ASSERT_EQ(gunzip(gz, 1 << 20), xml);
  EXPECT_EQ(sitemap_links(*gunzip(gz, 1 << 20)).urls, (std::vector<std::string>{"http://p.cn/新闻/1.html", "http://p.cn/2.html"}));
  // Concatenated members are one file (what `cat a.gz b.gz` gives).
  EXPECT_EQ(gunzip(gz + gzip("<!-- more -->"), 1 << 20), xml + "<!-- more -->");
  EXPECT_EQ(gunzip(gzip(""), 10), "");
  // Corrupt, truncated and over-size data is refused, not half-read.
  EXPECT_EQ(gunzip(gz.substr(0, gz.size() / 2), 1 << 20), std::nullopt);
  std::string corrupt = gz;
  corrupt[gz.size() / 2] = char(corrupt[gz.size() / 2] ^ 0x55);
  EXPECT_EQ(gunzip(corrupt, 1 << 20), std::nullopt);
  EXPECT_EQ(gunzip("\x1f\x8b not gzip", 1 << 20), std::nullopt);
  const std::string bomb = gzip(std::string(4 << 20, ' '));
  EXPECT_LT(bomb.size(), 10000u);
  EXPECT_EQ(gunzip(bomb, 1 << 20), std::nullopt);
  EXPECT_EQ(gunzip(bomb, 4 << 20)->size(), size_t(4 << 20));
}

TEST(Discover, XmlTextUnescapes) {
  EXPECT_EQ(xml_text("  a &amp; b &#20013;&#x6587; &lt;x&gt; "), "a & b 中文 <x>");
  EXPECT_EQ(xml_text("<![CDATA[<b>&amp;</b>]]>"), "<b>&amp;</b>");
}

TEST(Sources, ItemKeysFollowThePattern) {
  EXPECT_EQ(format_item_key("comment:{}", "cmt-123", 4), "comment:123");
  EXPECT_EQ(format_item_key("post:{}", "post_456", 1), "post:456");
  EXPECT_EQ(format_item_key("reply:{n}", "", 1), "reply:1");
  EXPECT_EQ(format_item_key("comment:{}", "9001", 1), "comment:9001");
}

TEST(Sources, FieldSpecsTakeTextOrAttributes) {
  HtmlDocument page(R"(<div class="c" id="cmt-7"><span class="user">留言人：张三</span><a class="next" href="/p2">下一页</a>
<p class="text">好<blockquote class="quote">引用</blockquote>的</p></div>)");
  auto item = FieldSpec::parse("@id");
  ASSERT_TRUE(item);
  auto div = Selector::parse("div.c");
  ASSERT_TRUE(div);
  const GumboNode* scope = div->select_first(page.root());
  ASSERT_NE(scope, nullptr);
  EXPECT_EQ(item->extract(scope), "cmt-7");
  EXPECT_EQ(FieldSpec::parse("a.next@href")->extract(scope), "/p2");
  EXPECT_EQ(FieldSpec::parse("span.user")->extract(scope), "留言人：张三");
  const std::vector<Selector> drop{*Selector::parse("blockquote.quote")};
  EXPECT_EQ(FieldSpec::parse("p.text")->extract(scope, drop).find("引用"), std::string::npos);
  EXPECT_FALSE(FieldSpec::parse("a[href"));
  EXPECT_FALSE(FieldSpec::parse("a@"));
}

TEST(Sources, JsonPaths) {
  const auto j = nlohmann::json::parse(R"({"data":{"next_cursor":null,"comments":[{"user":{"name":"a"}}]}})");
  ASSERT_NE(json_path(j, "data.comments"), nullptr);
  EXPECT_TRUE(json_path(j, "data.next_cursor")->is_null());
  EXPECT_EQ(json_path(j, "data.missing"), nullptr);
  EXPECT_EQ(json_path((*json_path(j, "data.comments"))[0], "user.name")->get<std::string>(), "a");
}

}  // namespace yuqing::crawlers

namespace yuqing::crawlers {

TEST(Sources, ShippedSourcesLoadAndAssignRoles) {
  const auto sources = load_sources("configs/sources.yaml");
  ASSERT_EQ(sources.size(), 5u);
  const Source& news = sources[1];
  EXPECT_EQ(news.name, "local-news");
  EXPECT_EQ(news.role_of("http://127.0.0.1:18081/news/list_2.html"), Role::list);
  EXPECT_EQ(news.role_of("http://127.0.0.1:18081/news/2026-10/05/content_10001.htm"), Role::document);
  EXPECT_EQ(news.role_of("http://127.0.0.1:18081/comment/content_10001_2.html"), Role::comments);
  EXPECT_EQ(news.role_of("http://127.0.0.1:18081/member/login.html"), std::nullopt);
  EXPECT_EQ(sources[2].role_of("http://127.0.0.1:18082/rss.xml"), Role::feed);
  EXPECT_EQ(sources[0].role_of("http://127.0.0.1:18080/sitemap.xml"), Role::sitemap);
  EXPECT_EQ(sources[0].role_of("http://127.0.0.1:18080/sitemap-news.xml.gz"), Role::sitemap);
}

TEST(Sources, ErrorsNameTheYamlPath) {
  const auto file = std::filesystem::temp_directory_path() / ("bad_sources_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << "sources:\n  - name: x\n    seeds: [http://a.cn/]\n    documents: ['/a']\n"
                         "    items:\n      - name: c\n        pages: ['/c']\n        item: 'div[oops'\n        fields: {text: p}\n";
  try {
    load_sources(file);
    ADD_FAILURE() << "a bad selector must be a configuration error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("items"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("item"), std::string::npos) << e.what();
  }
  std::ofstream(file) << "sources:\n  - name: x\n    seeds: [http://a.cn/]\n    documents: ['/a']\n    surprise: 1\n";
  EXPECT_THROW(load_sources(file), ConfigError);
  std::filesystem::remove(file);
}

}  // namespace yuqing::crawlers
