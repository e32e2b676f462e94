// 3 重点事件: the week's leading stories — first publisher, timeline, spread, samples, alerts.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports::sections {
namespace {
const char* kOrdinals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

std::string sentiment_label(const std::string& s) {
  if (s == "negative") return "负面";
  if (s == "positive") return "正面";
  if (s == "neutral") return "中性";
  return s.empty() ? "—" : s;
}
std::string kind_label(const std::string& k) {
  if (k == "article") return "文章";
  if (k == "comment") return "评论";
  if (k == "message") return "留言";
  if (k == "reply") return "答复";
  if (k == "post") return "帖子";
  return k;
}
// The story's primary issue with its figures of the week (a story is often one of many near-copies
// that together make the issue's surge).
std::string primary_text(const Report& r, const Story& s) {
  for (const auto& i : r.issues)
    if (i.name == s.primary_issue)
      return i.name + "：本周 " + n(i.documents) + " 篇，压力指数 " + fixed(i.pressure) + "，风险" + i.risk;
  return "—";
}
}  // namespace

void events(const Report& r, Doc& d) {
  if (r.alerts.empty()) d.paragraph("本周无预警。");
  else d.paragraph("本周共触发预警 " + std::to_string(r.alerts.size()) + " 条，与下列事件相关的预警列于各事件之下，全部预警见第 5 节。");
  if (r.stories.empty()) {
    d.paragraph("本周无可归并的事件。");
    return;
  }
  d.paragraph("按本周文档量排列的前 " + std::to_string(r.stories.size()) + " 个事件（内容相同或近似的文档及其转载归为一个事件）" +
              (r.generic_stories > 0 ? "；另有 " + std::to_string(r.generic_stories) +
                                           " 组跨越三个以上议题的重复套话（如评论模板）文档量更大，不视为事件" : std::string()) + "。");
  for (size_t k = 0; k < r.stories.size(); ++k) {
    const auto& s = r.stories[k];
    d.heading("事件" + std::string(kOrdinals[k % 10]) + "：" + s.title);
    d.begin_keep();
    d.table({"项目", "内容"},
            {{Cell{"首发"}, Cell{s.first_site + "，" + s.first_seen}},
             {Cell{"本周文档"}, Cell{n(s.documents) + " 篇，" + std::to_string(s.sites) + " 个站点"}},
             {Cell{"涉及议题"}, Cell{s.issues.empty() ? "—" : join(s.issues)}},
             {Cell{"主要议题"}, Cell{primary_text(r, s)}},
             {Cell{"涉及区域"}, Cell{s.places.empty() ? "—" : join(s.places)}},
             {Cell{"责任单位"}, Cell{s.departments.empty() ? "—" : join(s.departments, "、", 3)}},
             {Cell{"相关预警"}, Cell{s.alerts.empty() ? "无" : std::to_string(s.alerts.size()) + " 条"}}});
    std::vector<svg::Bar> days;
    for (const auto& t : s.timeline) days.push_back({t.day.substr(5), double(t.documents), "", "#2e86c1"});
    d.chart(svg::bar_chart("事件时间线：每日文档量", days), "图 事件" + std::string(kOrdinals[k % 10]) + " 每日文档量");
    d.end_keep();
    std::vector<std::vector<Cell>> spread;
    for (const auto& c : s.spread) spread.push_back({Cell{c.site}, num_cell(n(c.documents))});
    d.table({"传播站点", "本周文档"}, spread);
    std::vector<std::vector<Cell>> samples;
    for (const auto& m : s.samples)
      samples.push_back({Cell{m.time}, Cell{m.site}, Cell{kind_label(m.kind)}, Cell{sentiment_label(m.sentiment)}, Cell{m.title, m.url}});
    d.table({"时间", "站点", "类型", "情感", "代表性文档（链接）"}, samples);
    if (!s.alerts.empty()) {
      std::vector<std::string> items;
      for (const auto& a : s.alerts) items.push_back("[" + a.severity + "] " + a.title + "（" + a.fired_at + "，" + a.status + "）");
      d.bullets(items);
    }
    d.drill(s.drill);
  }
}

}  // namespace yuqing::reports::sections
