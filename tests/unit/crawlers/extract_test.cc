#include "crawlers/extract/article.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crawlers/extract/datetime.h"
#include "crawlers/extract/selector.h"

namespace yuqing::crawlers {
namespace {

constexpr UnixSeconds k20220618_1030 = 1655519400;  // 2022-06-18 10:30 China time

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string iso_or_null(const std::optional<UnixSeconds>& t) { return t ? format_iso8601(*t) : "null"; }

}  // namespace

TEST(Extract, FindsChineseAndIsoDateTimes) {
  EXPECT_EQ(find_datetime("发布时间：2022年6月18日 10:30"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022-06-18 10:30:00 来源：人民网"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022/06/18"), 1655481600);
  EXPECT_FALSE(find_datetime("2022年13月40日"));
  EXPECT_FALSE(find_datetime("没有日期"));
}

TEST(ExtractDates, AbsoluteForms) {
  EXPECT_EQ(find_datetime("2022年06月18日10时30分"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022.6.18 10：30"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022-06-18T10:30:00+08:00"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022-06-18T02:30:00Z"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022-06-17T22:30:00-04:00"), k20220618_1030);
  EXPECT_EQ(find_datetime("2022-06-18 10:30:00.123+0800"), k20220618_1030);
  EXPECT_EQ(find_datetime("Published June 18, 2022"), 1655481600);
  EXPECT_EQ(find_datetime("18 Jun 2022"), 1655481600);
  EXPECT_EQ(find_datetime("Sept. 3, 2021"), find_datetime("2021-09-03"));
  // Digits inside longer numbers are not years; an hour of 25 is not a time.
  EXPECT_FALSE(find_datetime("电话：0632-12345678"));
  EXPECT_FALSE(find_datetime("编号 120220618"));
  EXPECT_EQ(find_datetime("2022-06-18 25:30"), 1655481600);
  EXPECT_EQ(parse_datetime_value("1655519400"), k20220618_1030);
  EXPECT_EQ(parse_datetime_value("1655519400000"), k20220618_1030);
}

TEST(ExtractDates, RelativeAndYearlessNeedTheFetchTime) {
  const UnixSeconds now = k20220618_1030;
  EXPECT_FALSE(find_datetime("3小时前"));
  EXPECT_EQ(find_datetime("3小时前", now), now - 3 * 3600);
  EXPECT_EQ(find_datetime("15分钟前", now), now - 15 * 60);
  EXPECT_EQ(find_datetime("2天前", now), now - 2 * 86400);
  EXPECT_EQ(find_datetime("刚刚", now), now);
  EXPECT_EQ(find_datetime("昨天 08:05", now), find_datetime("2022-06-17 08:05"));
  EXPECT_EQ(find_datetime("前天 23:00", now), find_datetime("2022-06-16 23:00"));
  EXPECT_EQ(find_datetime("今天 09:00", now), find_datetime("2022-06-18 09:00"));
  EXPECT_EQ(find_datetime("5 hours ago", now), now - 5 * 3600);
  EXPECT_EQ(find_datetime("6月17日 20:00", now), find_datetime("2022-06-17 20:00"));
  EXPECT_EQ(find_datetime("06-17 20:00", now), find_datetime("2022-06-17 20:00"));
  // A yearless date later than the fetch time is last year's.
  EXPECT_EQ(find_datetime("12月31日", now), find_datetime("2021-12-31"));
  EXPECT_FALSE(find_datetime("比分 06-17", now));
}

TEST(ExtractDates, EnglishWeekdayBetweenDayAndYear) {
  EXPECT_EQ(find_datetime("Dec 28 Sat 2013 00:28"), find_datetime("2013-12-28"));
  EXPECT_EQ(find_datetime("December 28, Saturday, 2013"), find_datetime("2013-12-28"));
  EXPECT_EQ(find_datetime("Jun 18 Sat. 2022"), find_datetime("2022-06-18"));
  EXPECT_FALSE(find_datetime("Dec 28 Sale 2013"));
  EXPECT_FALSE(find_datetime("Dec 28 Sat"));
}

TEST(ExtractDates, ADayGluedToItsClock) {
  // The text of <span>2022-06-18</span><span>10:30</span> joined without a space.
  EXPECT_EQ(find_datetime("2022-06-1810:30"), k20220618_1030);
  EXPECT_EQ(find_datetime("06-1810:30", k20220618_1030 + 3600), k20220618_1030);
  EXPECT_FALSE(find_datetime("06-1810", k20220618_1030));
  EXPECT_FALSE(find_datetime("编号 2022-06-181030"));
}

TEST(ExtractDates, YearlessDatesTakeTheYearFromTheLatestBound) {
  // The page says it was modified 2019-10-08 12:00:57: "10-08 12:00" is that year's, whenever
  // the page is read (no fetch time at all, or one years later).
  const UnixSeconds modified = *find_datetime("2019-10-08 12:00:57");
  const auto expected = find_datetime("2019-10-08 12:00");
  EXPECT_EQ(find_datetime("发布时间：10-08 12:00", DateReference{std::nullopt, modified}), expected);
  EXPECT_EQ(find_datetime("发布时间：10-08 12:00", DateReference{*find_datetime("2026-11-29"), modified}), expected);
  // A January modification puts 12月31日 in the year before.
  EXPECT_EQ(find_datetime("12月31日", DateReference{std::nullopt, *find_datetime("2020-01-02")}), find_datetime("2019-12-31"));
  // The bound is the earlier of the two; relative forms still need the fetch time.
  EXPECT_EQ(find_datetime("10-09 08:00", DateReference{*find_datetime("2019-10-08 20:00"), *find_datetime("2020-01-01")}),
            find_datetime("2019-10-09 08:00"));
  EXPECT_FALSE(find_datetime("昨天", DateReference{std::nullopt, modified}));
  EXPECT_FALSE(find_datetime("10-08 12:00", DateReference{}));
}

TEST(ExtractSelector, ParsesTheSubsetAndRejectsTheRest) {
  const HtmlDocument page(R"(<div id="main" class="a b"><p class="x">1</p><span><p class="x y">2</p></span></div>
    <p data-k="pub-time">3</p>)");
  auto texts = [&](std::string_view css) {
    std::string out;
    for (const GumboNode* n : Selector::parse(css)->select_all(page.root())) out += node_text(n);
    return out;
  };
  EXPECT_EQ(texts("p.x"), "12");
  EXPECT_EQ(texts("#main > p"), "1");
  EXPECT_EQ(texts("div.b p.y"), "2");
  EXPECT_EQ(texts("DIV#main span p, p[data-k^=pub]"), "23");
  EXPECT_EQ(texts("[data-k*='time']"), "3");
  EXPECT_EQ(texts("p[data-k$=time]"), "3");
  EXPECT_EQ(texts("*.a"), "1\n2");
  EXPECT_FALSE(Selector::parse(""));
  EXPECT_FALSE(Selector::parse("p:first-child"));
  EXPECT_FALSE(Selector::parse("div + p"));
  EXPECT_FALSE(Selector::parse("p[x"));
  EXPECT_FALSE(Selector::parse("> p"));
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
  EXPECT_EQ(a.published_at, k20220618_1030);
  EXPECT_EQ(a.source_name, "台儿庄区人民政府办公室");
}

TEST(Extract, PrefersMetaPublishTime) {
  const HtmlDocument page(R"(<html><head><meta property="article:published_time" content="2022-06-18T10:30:00+08:00">
    </head><body><p>正文提到 2021年1月1日 的事。</p></body></html>)");
  EXPECT_EQ(extract_article(page, "http://x/").published_at, k20220618_1030);
}

TEST(Extract, DateFromScriptVariablesAndUrl) {
  const HtmlDocument scripted(R"(<html><head><script>var page = {"pubtime": "2022-06-18 10:30:00", id: 1};</script>
    </head><body><p>正文没有日期，只有内容。正文没有日期，只有内容。</p></body></html>)");
  EXPECT_EQ(extract_article(scripted, "http://x/").published_at, k20220618_1030);
  const HtmlDocument bare("<p>正文没有日期。</p>");
  EXPECT_EQ(extract_article(bare, "http://x.cn/art/2022/6/18/").published_at, std::nullopt);
  EXPECT_EQ(extract_article(bare, "http://x.cn/art/2022/06/18/a.html").published_at, find_datetime("2022-06-18"));
  EXPECT_EQ(extract_article(bare, "http://x.cn/c/t20220618_123.html").published_at, find_datetime("2022-06-18"));
}

TEST(Extract, YearlessBylineTakesItsYearFromTheModificationTime) {
  const HtmlDocument page(R"(<html><head><meta itemprop="dateUpdate" content="2019-10-08 12:00:57"></head><body>
    <h1>标题</h1><div class="article-source"><span class="date">发布时间：10-08</span><span class="time">12:00</span></div>
    <div class="article"><p>正文第一段，内容足够长，说明事情的经过。</p><p>正文第二段，继续说明，并给出结论。</p></div>
    <div class="recommend"><span>09-30 22:46</span></div></body></html>)");
  EXPECT_EQ(extract_article(page, "http://x/").published_at, find_datetime("2019-10-08 12:00"));
  ExtractOptions later;
  later.fetched_at = *find_datetime("2026-11-29 10:00");
  EXPECT_EQ(extract_article(page, "http://x/", later).published_at, find_datetime("2019-10-08 12:00"));
}

TEST(Extract, UnixSecondsInAScriptVariableCt) {
  const HtmlDocument page(R"(<html><head><script>var select = "1"; var ct = "1655519400"; var svr_time = "1655600000" * 1;
    </script></head><body><em id="publish_time">昨天</em>
    <div><p>正文没有日期，只有内容。正文没有日期，只有内容。</p></div></body></html>)");
  EXPECT_EQ(extract_article(page, "http://x/").published_at, k20220618_1030);
  // Only a whole identifier holding ten digits.
  const HtmlDocument other(R"(<html><head><script>var select = "1655519400"; var ct = "abc"; o.ct = 1655519400;</script>
    </head><body><p>正文没有日期，只有内容。正文没有日期，只有内容。</p></body></html>)");
  EXPECT_EQ(extract_article(other, "http://x/").published_at, std::nullopt);
}

TEST(Extract, FieldSpecsOverrideTheGenericResult) {
  const HtmlDocument page(R"(<html><body><h1>通用标题</h1><div class="info">发布时间：2020-01-01 08:00</div>
    <div id="story"><p>这是一段足够长的正文内容，用来确认通用抽取会选中这里，而不是别的地方，真的很长很长。</p></div>
    <div class="editor-note"><p>规则指定的正文。</p><p>第二段。</p></div>
    <span class="t">六月十八日</span><time class="t" datetime="2022-06-18T10:30:00+08:00">今天</time>
    <span class="who">作者：张三</span>
    </body></html>)");
  auto spec = [](const char* text) {
    auto f = FieldSpec::parse(text);
    EXPECT_TRUE(f) << text;
    return f;
  };
  ExtractOptions o;
  o.fields.title = spec("div.editor-note p");
  o.fields.text = spec("div.editor-note");
  o.fields.published_at = spec("time.t@datetime");
  o.fields.author = spec("span.who");
  const ExtractedArticle a = extract_article(page, "http://x/", o);
  EXPECT_EQ(a.title, "规则指定的正文。");  // the first match
  EXPECT_EQ(a.text, "规则指定的正文。\n第二段。");
  EXPECT_EQ(a.published_at, k20220618_1030);
  EXPECT_EQ(a.author, "张三");  // the label is not part of the name
  // A spec that matches nothing or yields no time falls back to the generic result.
  const auto generic_time = find_datetime("2020-01-01 08:00");
  for (const char* time_spec : {"span.t", "div.missing", "time.t@missing"}) {
    o.fields.published_at = spec(time_spec);
    EXPECT_EQ(extract_article(page, "http://x/", o).published_at, generic_time) << time_spec;
  }
  o.fields = {};
  o.fields.text = spec("div.missing");
  const ExtractedArticle g = extract_article(page, "http://x/", o);
  EXPECT_TRUE(g.text.starts_with("这是一段足够长的正文")) << g.text;
  EXPECT_EQ(g.title, "通用标题");
  // Relative times in a field count from the fetch time, and only with one.
  o.fields = {};
  o.fields.published_at = spec("time.t");
  EXPECT_EQ(extract_article(page, "http://x/", o).published_at, generic_time);
  o.fetched_at = k20220618_1030;
  EXPECT_EQ(extract_article(page, "http://x/", o).published_at, find_datetime("今天", k20220618_1030));
}

TEST(ExtractFields, SpecsAreRefusedWhenRead) {
  std::string error;
  EXPECT_FALSE(FieldSpec::parse("span.t + time", &error));  // sibling combinators are not in the subset
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(FieldSpec::parse("a@", &error));
  EXPECT_EQ(error, "expected an attribute name after '@'");
  EXPECT_TRUE(FieldSpec::parse("@id"));
  EXPECT_TRUE(FieldSpec::parse("a[href$='.html']@href"));
}

TEST(ExtractFields, TimesAreIsoOrUnixFirstThenFreeText) {
  EXPECT_EQ(read_field_time("2022-06-18T10:30:00+08:00", std::nullopt), k20220618_1030);
  EXPECT_EQ(read_field_time("1655519400", std::nullopt), k20220618_1030);
  EXPECT_EQ(read_field_time("发表于 2022年6月18日 10:30", std::nullopt), k20220618_1030);
  EXPECT_EQ(read_field_time("1小时前", std::nullopt), std::nullopt);
  EXPECT_EQ(read_field_time("1小时前", k20220618_1030 + 3600), k20220618_1030);
}

// Data-driven: tests/fixtures/extract/NAME.html with NAME.json holding the expected fields
// (only the keys present are checked; "fetched_at" is an input, "about" a description).
TEST(ExtractFixtures, MatchExpectedJson) {
  const std::filesystem::path dir = "tests/fixtures/extract";
  ASSERT_TRUE(std::filesystem::exists(dir)) << "run from the repo root (ctest does)";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const auto want = nlohmann::json::parse(read_file(entry.path()));
    auto html_path = entry.path();
    html_path.replace_extension(".html");
    const HtmlDocument page(read_file(html_path));
    ExtractOptions o;
    if (want.contains("fetched_at")) o.fetched_at = parse_iso8601(want["fetched_at"].get<std::string>());
    const ExtractedArticle a = extract_article(page, want.value("url", ""), o);
    auto check = [&](const char* key, const std::string& got) {
      if (!want.contains(key)) return;
      EXPECT_EQ(got, want[key].is_null() ? "null" : want[key].get<std::string>()) << key;
    };
    check("title", a.title);
    check("text", a.text);
    check("published_at", iso_or_null(a.published_at));
    check("author", a.author);
    check("source_name", a.source_name);
    if (want.contains("comments")) {
      ASSERT_EQ(a.comments.size(), want["comments"].size());
      for (size_t i = 0; i < a.comments.size(); ++i) {
        const auto& c = want["comments"][i];
        EXPECT_EQ(a.comments[i].author, c["author"].get<std::string>());
        EXPECT_EQ(a.comments[i].text, c["text"].get<std::string>());
        EXPECT_EQ(iso_or_null(a.comments[i].published_at), c["published_at"].get<std::string>());
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 4);
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

namespace yuqing::crawlers {
namespace {

// Issue 17: byline forms seen on news pages outside the shared sets, one row per form. `want` is
// the ISO form of the same instant in China time ("" = no date).
struct DateRow {
  const char* text;
  const char* want;
};

TEST(ExtractDates, BylineFormsTable) {
  const DateRow rows[] = {
      {"2005年3月11日12:12", "2005-03-11 12:12"},                 // clock glued to 日
      {"2005年05月13日14:15", "2005-05-13 14:15"},                // zero-padded, glued
      {"2005年3月11日12:12:30", "2005-03-11 12:12:30"},           // glued, with seconds
      {"2005年3月11日 12时12分", "2005-03-11 12:12"},             // Chinese clock units
      {"9/17/2004 5:54:13 AM", "2004-09-17 05:54:13"},           // US order, AM
      {"9/17/2004 5:54:13 PM", "2004-09-17 17:54:13"},           // PM
      {"12/01/2004 12:05 AM", "2004-12-01 00:05"},               // 12 AM is midnight
      {"12/01/2004 12:05 pm", "2004-12-01 12:05"},               // 12 PM is noon
      {"Posted 9/17/2004", "2004-09-17"},                        // US order, date only
      {"17/9/2004", "2004-09-17"},                               // day first when it cannot be a month
      {"1998年3月号", "1998-03-01"},                             // a month only: its first day
      {"《读者》1998年12月号", "1998-12-01"},                    // in a line
      {"２００５年３月１１日", "2005-03-11"},                    // full-width digits
      {"２００５－０３－１１", ""},                              // full-width hyphens are not separators
      {"2005-03-11 08:00 AM", "2005-03-11 08:00"},               // AM after an ISO clock
      {"June 18, 2022 10:30 AMD", "2022-06-18"},                 // "AMD" is no half-day
      {"2022-02-30", ""},                                        // no 30 February
      {"2024-02-29", "2024-02-29"},                              // a leap day exists
      {"9/17/04", ""},                                           // two-digit year: not taken
      {"1998年3月", ""},                                         // a bare month is not a date
  };
  for (const DateRow& r : rows) {
    const auto got = find_datetime(r.text);
    if (*r.want == 0) {
      EXPECT_FALSE(got) << r.text << " -> " << iso_or_null(got);
    } else {
      EXPECT_EQ(got, find_datetime(r.want)) << r.text << " -> " << iso_or_null(got);
    }
  }
}

TEST(ExtractDates, AllDatesOfATextInOrder) {
  const auto all = find_datetimes("今天 2021年10月7日 标题 2020-11-23 10:22 © 2019-01-01", DateReference{});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].at, *find_datetime("2020-11-23 10:22"));
  EXPECT_LT(all[0].pos, all[1].pos);
  EXPECT_EQ(ascii_digits("２０２０年１月"), "2020年1月");
}

struct UrlRow {
  const char* url;
  const char* want;
};

TEST(Extract, DateInTheUrlPathTable) {
  const HtmlDocument bare("<p>正文没有日期。</p>");
  const UnixSeconds fetched = *find_datetime("2026-12-01");
  const UrlRow rows[] = {
      {"http://news.sohu.com/20050311/n224643115.shtml", "2005-03-11"},
      {"http://x.cn/a/2005-03-11/123.html", "2005-03-11"},
      {"http://x.cn/a/2005/03/11/123.html", "2005-03-11"},
      {"http://x.cn/a/200503/11/123.html", "2005-03-11"},
      {"http://x.cn/c/t20050311_123.html", "2005-03-11"},
      {"http://x.cn/a/20051311/1.html", ""},  // month 13
      {"http://x.cn/a/20050230/1.html", ""},  // 30 February
      {"http://x.cn/a/20991231/1.html", ""},  // after the fetch time
      {"http://x.cn/a/19000101/1.html", ""},  // implausibly old
      {"http://x.cn/id/120050311/1.html", ""},  // inside a longer number
  };
  for (const UrlRow& r : rows) {
    ExtractOptions options;
    options.fetched_at = fetched;
    const auto got = extract_article(bare, r.url, options).published_at;
    if (*r.want == 0) {
      EXPECT_FALSE(got) << r.url << " -> " << iso_or_null(got);
    } else {
      EXPECT_EQ(got, find_datetime(r.want)) << r.url << " -> " << iso_or_null(got);
    }
  }
}

struct PageRow {
  const char* name;
  const char* html;
  const char* want;
};

TEST(Extract, ChoosingAmongSeveralDatesTable) {
  const PageRow rows[] = {
      {"the byline under the title beats the page header's today",
       "<div>今日视点 2021年10月7日 星期四</div><h1>嫦娥五号为什么是最复杂任务</h1><div>2020-11-23 10:22:14 出处：快科技</div>"
       "<p>正文第一段，很长很长的正文内容，描述了嫦娥五号任务的各个阶段。正文第一段，很长很长的正文内容。</p>",
       "2020-11-23"},
      {"a glued byline clock under the title",
       "<div>更新 2021-01-01</div><h1>某地发生一起事件的调查报告全文</h1><div>2005年3月11日12:12 来源：新华网</div>"
       "<p>正文第一段，很长很长的正文内容，描述了事件的各个阶段。正文第一段，很长很长的正文内容。</p>",
       "2005-03-11"},
      {"structured metadata wins over the byline",
       "<head><meta property=\"article:published_time\" content=\"2019-05-17T20:02:46+08:00\"></head>"
       "<h1>某地发生一起事件的调查报告全文</h1><div>2019-05-18 08:00</div>"
       "<p>正文第一段，很长很长的正文内容，描述了事件的各个阶段。正文第一段，很长很长的正文内容。</p>",
       "2019-05-17"},
      {"a copyright line is not a byline",
       "<h1>某地发生一起事件的调查报告全文</h1><div>Copyright © 2003-2019 某某网</div>"
       "<p>正文第一段，很长很长的正文内容，描述了事件的各个阶段。正文第一段，很长很长的正文内容。</p>",
       ""},
      {"the date before the title when none follows it",
       "<div>2019-08-13 14:07</div><h1>某地发生一起事件的调查报告全文</h1>"
       "<p>正文第一段，很长很长的正文内容，描述了事件的各个阶段。正文第一段，很长很长的正文内容。</p>",
       "2019-08-13"},
  };
  for (const PageRow& r : rows) {
    const HtmlDocument page(std::string("<html>") + r.html + "</html>");
    const auto got = extract_article(page, "http://x.cn/a.html").published_at;
    if (*r.want == 0) {
      EXPECT_FALSE(got) << r.name << " -> " << iso_or_null(got);
    } else {
      // The day as written (China time): compare with the same instant's day.
      EXPECT_EQ(got ? std::optional<UnixSeconds>(local_day(*got, 480)) : std::nullopt,
                std::optional<UnixSeconds>(local_day(*find_datetime(r.want), 480)))
          << r.name << " -> " << iso_or_null(got);
    }
  }
}

}  // namespace
}  // namespace yuqing::crawlers
