// The pure parts of the weekly report: pressure index, risk levels, change texts, recommendation
// rules, drill-down links, SVG charts and escaping in the HTML and Markdown renderers.
#include <gtest/gtest.h>

#include <regex>

#include "reports/model.h"
#include "reports/render.h"
#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports {
namespace {

constexpr const char* kHostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";

IssueRow issue(uint64_t docs, uint64_t negative, int sites, double mean_4w) {
  IssueRow i;
  i.name = "议题";
  i.documents = docs;
  i.negative = negative;
  i.sites = sites;
  i.mean_4w = mean_4w;
  return i;
}

TEST(ReportPressureIndex, Formula) {
  struct Case {
    const char* what;
    IssueRow row;
    uint64_t max_docs;
    int active_sites;
    double expected;
  };
  const Case cases[] = {
      {"no documents", issue(0, 0, 0, 0), 100, 5, 0},
      {"largest, all negative, every site, x4 growth", issue(100, 100, 5, 24.25), 100, 5, 100},
      {"largest, no negative, one of five sites, flat", issue(100, 0, 1, 100), 100, 5, 39},
      {"half the largest, 20% negative, 2 of 4 sites, doubled", issue(50, 10, 2, 24.5), 100, 4, 17.5 + 5 + 10 + 10},
      {"falling volume gives no growth credit", issue(10, 0, 1, 40), 10, 1, 35 + 0 + 20 + 0},
      {"growth is capped at x4", issue(10, 0, 0, 0), 10, 1, 35 + 0 + 0 + 20},
      {"no active sites: no spread", issue(10, 5, 3, 10), 10, 0, 35 + 12.5 + 0 + 0},
  };
  for (const auto& c : cases) EXPECT_NEAR(pressure_index(c.row, c.max_docs, c.active_sites), c.expected, 0.05) << c.what;
}

TEST(ReportRiskLevel, Thresholds) {
  struct Case {
    double pressure;
    uint64_t docs, negative;
    const char* expected;
  };
  const Case cases[] = {
      {60, 5, 0, "高"},   {59.9, 5, 0, "较高"}, {40, 100, 10, "较高"}, {39.9, 100, 10, "一般"}, {20, 1, 0, "一般"},
      {19.9, 1, 0, "低"}, {0, 0, 0, "低"},
      {10, 20, 10, "高"},  // half negative on 20 documents
      {10, 19, 19, "低"},  // too few documents for the negativity rule
      {10, 20, 9, "低"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(risk_level(c.pressure, c.docs, c.negative), c.expected) << c.pressure << " " << c.docs << " " << c.negative;
}

TEST(ReportTexts, ChangeAndPercent) {
  struct Case {
    double now, before;
    const char* expected;
  };
  const Case changes[] = {{150, 100, "+50.0%"}, {50, 100, "-50.0%"}, {100, 100, "持平"}, {5, 0, "新增"}, {0, 0, "持平"}, {1, 3, "-66.7%"}};
  for (const auto& c : changes) EXPECT_EQ(change_text(c.now, c.before), c.expected) << c.now << " vs " << c.before;
  EXPECT_EQ(percent_text(1, 3), "33.3%");
  EXPECT_EQ(percent_text(0, 0), "0.0%");
  EXPECT_EQ(percent_text(5, 5), "100.0%");
}

TEST(ReportRankIssues, ByPressureThenDocumentsThenName) {
  Report r;
  r.overview.sites = 4;
  r.issues = {issue(10, 0, 1, 10), issue(100, 60, 4, 10), issue(10, 0, 1, 10)};
  r.issues[0].name = "乙";
  r.issues[1].name = "甲";
  r.issues[2].name = "丙";
  rank_issues(r);
  ASSERT_EQ(r.issues.size(), 3u);
  EXPECT_EQ(r.issues[0].name, "甲");
  EXPECT_EQ(r.issues[0].risk, "高");
  EXPECT_EQ(r.issues[1].name, "丙");  // equal pressure and documents: by name (UTF-8 byte order)
  EXPECT_EQ(r.issues[2].name, "乙");
}

// A report where no rule fires; each case changes one thing and expects one sentence.
Report calm() {
  Report r;
  r.overview.documents = 100;
  r.overview.last_week = 100;
  r.overview.mean_4w = 100;
  r.overview.negative = 10;
  r.overview.last_week_negative = 10;
  r.board.deadline_days = 15;
  return r;
}

TEST(ReportRecommendations, EachRuleFiresOnItsFigureAndQuotesIt) {
  struct Case {
    const char* what;
    void (*change)(Report&);
    const char* basis;
    std::vector<std::string> quoted;
  };
  const Case cases[] = {
      {"volume +50% over the 4-week mean", [](Report& r) { r.overview.documents = 150; r.overview.negative = 15; }, "1 总体态势",
       {"150篇", "100.0篇", "+50.0%"}},
      {"negative share up 10 points", [](Report& r) { r.overview.negative = 20; }, "1 总体态势", {"10.0%", "20.0%"}},
      {"issue at risk 高",
       [](Report& r) {
         IssueRow i = issue(40, 30, 3, 5);
         i.name = "老旧小区与棚户区改造";
         i.pressure = 72.5;
         i.risk = "高";
         i.last_week = 6;
         i.departments = {"运河街道", "区住房城乡建设局"};
         r.issues.push_back(i);
       },
       "2 热点议题", {"老旧小区与棚户区改造", "72.5", "40篇", "75.0%", "运河街道、区住房城乡建设局"}},
      {"story with an open alert",
       [](Report& r) {
         Story s;
         s.title = "小区改造停工";
         s.documents = 30;
         s.sites = 4;
         s.departments = {"区住房城乡建设局"};
         s.alerts.push_back(AlertRow{});
         r.stories.push_back(s);
       },
       "3 重点事件", {"小区改造停工", "30篇", "4个站点", "1条"}},
      {"town with 40% negative on 10+ documents",
       [](Report& r) { r.places.push_back(PlaceRow{"泥沟镇", 10, 4, "疫情防控", 6, {}}); }, "4 分区域", {"泥沟镇", "40.0%", "疫情防控"}},
      {"unanswered messages",
       [](Report& r) {
         r.board.messages = 9;
         r.board.replied = 6;
         r.board.unanswered = 3;
       },
       "5 部门回应", {"留言9条", "未答复3条"}},
      {"a department with 3 unanswered messages",
       [](Report& r) {
         DepartmentRow d;
         d.name = "马兰屯镇";
         d.messages = 6;
         d.unanswered = 3;
         r.departments.push_back(d);
       },
       "5 部门回应", {"马兰屯镇", "未答复留言3条", "本周留言6条"}},
      {"alerts not acknowledged",
       [](Report& r) {
         DepartmentRow d;
         d.name = "区农业农村局";
         d.alerts = 2;
         d.acknowledged = 1;
         r.departments.push_back(d);
       },
       "5 部门回应", {"区农业农村局", "预警2条", "1条尚未确认"}},
  };
  ASSERT_EQ(recommend(calm()).size(), 1u);
  EXPECT_NE(recommend(calm())[0].text.find("未触发"), std::string::npos);
  for (const auto& c : cases) {
    Report r = calm();
    c.change(r);
    const auto recs = recommend(r);
    ASSERT_EQ(recs.size(), 1u) << c.what;
    EXPECT_EQ(recs[0].basis, c.basis) << c.what;
    for (const auto& q : c.quoted) EXPECT_NE(recs[0].text.find(q), std::string::npos) << c.what << ": " << recs[0].text << " lacks " << q;
  }
}

TEST(ReportRecommendations, QuietFiguresFireNothing) {
  struct Case {
    const char* what;
    void (*change)(Report&);
  };
  const Case cases[] = {
      {"volume +49%", [](Report& r) { r.overview.documents = 149; r.overview.negative = 15; }},
      {"issue at risk 一般", [](Report& r) { IssueRow i = issue(10, 1, 1, 5); i.risk = "一般"; r.issues.push_back(i); }},
      {"story whose alert is closed",
       [](Report& r) {
         Story s;
         AlertRow a;
         a.closed = true;
         s.alerts.push_back(a);
         r.stories.push_back(s);
       }},
      {"town with 9 documents, all negative", [](Report& r) { r.places.push_back(PlaceRow{"邳庄镇", 9, 9, "", 0, {}}); }},
      {"town with 39% negative", [](Report& r) { r.places.push_back(PlaceRow{"邳庄镇", 100, 39, "", 0, {}}); }},
      {"a department with 2 unanswered messages",
       [](Report& r) {
         DepartmentRow d;
         d.name = "区民政局";
         d.messages = 2;
         d.unanswered = 2;
         r.departments.push_back(d);
       }},
  };
  for (const auto& c : cases) {
    Report r = calm();
    c.change(r);
    const auto recs = recommend(r);
    ASSERT_EQ(recs.size(), 1u) << c.what;
    EXPECT_NE(recs[0].text.find("未触发"), std::string::npos) << c.what << ": " << recs[0].text;
  }
}

TEST(ReportDrill, CommandAndDashboardLink) {
  struct Case {
    Drill d;
    const char* cli;
    const char* url;
  };
  const Case cases[] = {
      {{"2026-10-19", "2026-10-26", {}}, "yuqing query docs --since 2026-10-19 --until 2026-10-26 --limit 100",
       "http://127.0.0.1:18090/#/docs?since=2026-10-19&until=2026-10-26"},
      {{"2026-10-19", "2026-10-26", {{"issue", "老旧小区与棚户区改造"}, {"place", "运河街道"}}},
       "yuqing query docs --since 2026-10-19 --until 2026-10-26 --issue 老旧小区与棚户区改造 --place 运河街道 --exact --limit 100",
       "http://127.0.0.1:18090/#/docs?since=2026-10-19&until=2026-10-26&issue=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA%E4%B8%8E%E6%A3%9A%E6%88%B7"
       "%E5%8C%BA%E6%94%B9%E9%80%A0&place=%E8%BF%90%E6%B2%B3%E8%A1%97%E9%81%93"},
      {{"2026-10-19", "2026-10-26", {{"site", "it's a site"}}},
       "yuqing query docs --since 2026-10-19 --until 2026-10-26 --site 'it'\\''s a site' --exact --limit 100",
       "http://127.0.0.1:18090/#/docs?since=2026-10-19&until=2026-10-26&site=it%27s%20a%20site"},
  };
  for (const auto& c : cases) {
    const DrillLink l = drill(c.d);
    EXPECT_EQ(l.cli, c.cli);
    EXPECT_EQ(l.url, c.url);
  }
}

TEST(ReportSvg, ChartsAreCompleteAndNonEmpty) {
  svg::LineChart line;
  line.title = "每日文档量";
  line.labels = {"2026-10-19", "2026-10-20", "2026-10-21"};
  line.series = {{"文档量", {3, 10, 5}, "#2e86c1", false}};
  svg::LineChart share = line;
  share.series = {{"负面占比", {0.1, 0.5, 0.25}, "#c0392b", true}};
  struct Case {
    const char* what;
    std::string svg;
    const char* must_contain;
  };
  const Case cases[] = {
      {"line", svg::line_chart(line), "<polyline"},
      {"share line has a percent axis", svg::line_chart(share), "%</text>"},
      {"bars", svg::bar_chart("压力", {{"甲", 10, "高", "#c0392b"}, {"乙", 5, "", ""}}), "<rect"},
      {"stacks", svg::stacked_bars("情感", {{"甲", {{"负面", 3, "#c0392b"}, {"其他", 7, "#999"}}}}), "负面"},
      {"tiles", svg::tile_grid("镇街", {{"运河街道", 120, 0.6, "首要：老旧小区"}}), "运河街道"},
      {"empty line", svg::line_chart(svg::LineChart{}), "无数据"},
      {"empty bars", svg::bar_chart("x", {}), "无数据"},
      {"empty stacks", svg::stacked_bars("x", {}), "无数据"},
      {"empty tiles", svg::tile_grid("x", {}), "无数据"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.svg.rfind("<svg ", 0), 0u) << c.what;
    EXPECT_NE(c.svg.find("viewBox"), std::string::npos) << c.what;
    EXPECT_NE(c.svg.find("</svg>"), std::string::npos) << c.what;
    EXPECT_NE(c.svg.find(c.must_contain), std::string::npos) << c.what << ":\n" << c.svg;
  }
}

TEST(ReportSvg, LabelsAreEscaped) {
  const std::string cases[] = {
      svg::bar_chart(kHostile, {{kHostile, 1, kHostile, "#000"}}),
      svg::stacked_bars(kHostile, {{kHostile, {{kHostile, 1, "#000"}}}}),
      svg::tile_grid(kHostile, {{kHostile, 1, 0, kHostile}}),
      svg::line_chart(svg::LineChart{kHostile, {kHostile}, {{kHostile, {1}, "#000", false}}, -1, 680, 220}),
  };
  for (const auto& s : cases) {
    EXPECT_EQ(s.find("<script"), std::string::npos) << s;
    EXPECT_EQ(s.find("<img"), std::string::npos) << s;
    EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos) << s;
  }
}

Report hostile_report() {
  Report r = calm();
  r.district = "台儿庄区";
  r.week = "2026-W43";
  r.start_day = "2026-10-19";
  r.end_day = "2026-10-26";
  Story s;
  s.title = kHostile;
  s.first_site = kHostile;
  s.samples.push_back({"2026-10-20 10:00:00", "news", "article", "negative", kHostile, "javascript:alert(3)"});
  s.samples.push_back({"2026-10-20 11:00:00", "forum", "post", "neutral", "正常标题", "http://127.0.0.1:18084/t/1?a=1&b=2"});
  r.stories.push_back(s);
  IssueRow i = issue(10, 2, 1, 3);
  i.name = kHostile;
  i.drill = Drill{"2026-10-19", "2026-10-26", {{"issue", kHostile}}};
  r.issues.push_back(i);
  r.recommendations = recommend(r);
  return r;
}

TEST(ReportRender, HostileTextIsShownAsTextInHtml) {
  const std::string html = render_html(hostile_report());
  // Only the report's own markup: no script element, no img element, no javascript: link.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("href=\"http://127.0.0.1:18084/t/1?a=1&amp;b=2\""), std::string::npos);
}

// Markdown without its code spans: CommonMark shows a code span's content literally (the drill
// commands quote stored values there), so only the rest could become markup.
std::string outside_code_spans(const std::string& md) {
  std::string out;
  bool in_code = false;
  for (char c : md) {
    if (c == '`') in_code = !in_code;
    else if (!in_code) out += c;
  }
  return out;
}

TEST(ReportRender, HostileTextIsEscapedInMarkdown) {
  const std::string md = outside_code_spans(render_markdown(hostile_report()));
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("](<javascript:"), std::string::npos);
  EXPECT_NE(md.find("&lt;script&gt;"), std::string::npos);
}

TEST(ReportRender, EverySectionInOrderInBothFormats) {
  const Report r = hostile_report();
  const std::string html = render_html(r), md = render_markdown(r);
  size_t at_html = 0, at_md = 0;
  for (const auto& s : sections::all()) {
    const std::string title = std::string(s.number) + " " + s.title;
    const size_t h = html.find("<h2>" + title + "</h2>", at_html), m = md.find("## " + title, at_md);
    ASSERT_NE(h, std::string::npos) << title;
    ASSERT_NE(m, std::string::npos) << title;
    at_html = h;
    at_md = m;
  }
  EXPECT_NE(html.find("本周无预警"), std::string::npos);
  EXPECT_NE(md.find("本周无预警"), std::string::npos);
}

TEST(ReportRender, HtmlIsSelfContained) {
  const std::string html = render_html(hostile_report());
  for (const char* outside : {"<script", "<link", "@import", "src=\"http", "url(http"})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  EXPECT_NE(html.find("counter(page)"), std::string::npos);
  EXPECT_NE(html.find("size: A4"), std::string::npos);
}

}  // namespace
}  // namespace yuqing::reports
