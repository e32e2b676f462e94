#include "crawlers/extract/article.h"

#include <gtest/gtest.h>

namespace yuqing::crawlers {

TEST(Extract, FindsChineseAndIsoDateTimes) {
  EXPECT_EQ(find_datetime("发布时间：2022年6月18日 10:30"), 1655519400);
  EXPECT_EQ(find_datetime("2022-06-18 10:30:00 来源：人民网"), 1655519400);
  EXPECT_EQ(find_datetime("2022/06/18"), 1655481600);
  EXPECT_FALSE(find_datetime("2022年13月40日"));
  EXPECT_FALSE(find_datetime("没有日期"));
}

TEST(Extract, TakesTheParagraphBlockAndSkipsFurniture) {
  const HtmlDocument page(R"(<html><head><title>站点标题</title></head><body>
    <div class="nav"><a href="/">首页</a><a href="/news">新闻</a></div>
    <div class="info">发布时间：2022-06-18 10:30 来源：台儿庄区人民政府办公室</div>
    <h1>运河街道推进老旧小区改造</h1>
    <div class="content"><p>第一段：改造涉及外墙保温。</p><p>第二段：预计年底完工。</p></div>
    <div class="related"><p>相关</p></div>
    <div class="footer"><p>版权所有</p></div></body></html>)");
  const ExtractedArticle a = extract_article(page, "http://x/a.html");
  EXPECT_EQ(a.title, "运河街道推进老旧小区改造");
  EXPECT_EQ(a.text, "第一段：改造涉及外墙保温。\n第二段：预计年底完工。");
  EXPECT_EQ(a.published_at, 1655519400);
  EXPECT_EQ(a.source_name, "台儿庄区人民政府办公室");
}

TEST(Extract, PrefersMetaPublishTime) {
  const HtmlDocument page(R"(<html><head><meta property="article:published_time" content="2022-06-18T10:30:00+08:00">
    </head><body><p>正文提到 2021年1月1日 的事。</p></body></html>)");
  EXPECT_EQ(extract_article(page, "http://x/").published_at, 1655519400);
}

TEST(Html, LinksAndVisibleText) {
  const HtmlDocument page(R"(<p>a<script>var x=1;</script> b</p><a href="/x">X 链接</a><style>p{}</style>)");
  const auto links = page.links();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].href, "/x");
  EXPECT_EQ(links[0].text, "X 链接");
  EXPECT_EQ(node_text(page.root()), "a b\nX 链接");
}

}  // namespace yuqing::crawlers
