// 1 总体态势: volume, sources and sentiment of the week against last week and the 4-week mean.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports::sections {

void overview(const Report& r, Doc& d) {
  const auto& o = r.overview;
  d.paragraph("本周（" + r.start_day + " 至 " + r.end_day + "，不含）共监测到 " + n(o.documents) + " 篇文档，来自 " + n(uint64_t(o.sites)) +
              " 个站点；较上周（" + n(o.last_week) + " 篇）" + change_text(double(o.documents), double(o.last_week)) + "，较前四周均值（" +
              fixed(o.mean_4w) + " 篇" + (o.baseline_weeks < 4 ? "，仅 " + std::to_string(o.baseline_weeks) + " 周有数据" : std::string()) + "）" + change_text(double(o.documents), o.mean_4w) + "。负面 " + n(o.negative) + " 篇（" +
              percent_text(o.negative, o.documents) + "），正面 " + n(o.positive) + " 篇，中性 " + n(o.neutral) + " 篇。");
  d.table({"指标", "本周", "上周", "前四周均值", "较上周"},
          {{Cell{"文档量"}, num_cell(n(o.documents)), num_cell(n(o.last_week)), num_cell(fixed(o.mean_4w)),
            num_cell(change_text(double(o.documents), double(o.last_week)))},
           {Cell{"负面文档"}, num_cell(n(o.negative)), num_cell(n(o.last_week_negative)), Cell{"—"},
            num_cell(change_text(double(o.negative), double(o.last_week_negative)))},
           {Cell{"负面占比"}, num_cell(percent_text(o.negative, o.documents)), num_cell(percent_text(o.last_week_negative, o.last_week)),
            Cell{"—"}, Cell{"—"}}});
  d.drill(o.drill);

  svg::LineChart volume;
  volume.title = "每日文档量（前四周与本周）";
  svg::Series docs{"文档量", {}, "#2e86c1", false};
  svg::LineChart share;
  share.title = "每日负面占比（前四周与本周）";
  svg::Series neg{"负面占比", {}, "#c0392b", true};
  for (const auto& p : o.days) {
    volume.labels.push_back(p.day);
    share.labels.push_back(p.day);
    docs.values.push_back(double(p.documents));
    neg.values.push_back(p.documents ? double(p.negative) / double(p.documents) : 0);
  }
  volume.series.push_back(docs);
  share.series.push_back(neg);
  volume.highlight_from = share.highlight_from = int(o.days.size()) - 7;
  d.chart(svg::line_chart(volume), "图1 每日文档量，阴影为本周");
  d.chart(svg::line_chart(share), "图2 每日负面占比，阴影为本周");
  d.chart(svg::stacked_bars("本周情感构成",
                            {{"本周 " + r.week,
                              {{"负面", double(o.negative), "#c0392b"},
                               {"中性", double(o.neutral), "#95a5a6"},
                               {"正面", double(o.positive), "#27ae60"},
                               {"未判定", double(o.other), "#d5d8dc"}}}}),
          "图3 本周情感构成（篇）");
}

}  // namespace yuqing::reports::sections
