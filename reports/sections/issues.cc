// 2 热点议题: issues ranked by the pressure index, with departments and risk levels.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports::sections {
namespace {
const char* risk_color(const std::string& risk) {
  if (risk == "高") return "#c0392b";
  if (risk == "较高") return "#e67e22";
  if (risk == "一般") return "#f1c40f";
  return "#7fb3d5";
}
}  // namespace

void issues(const Report& r, Doc& d) {
  d.paragraph("压力指数 = 100 ×（0.35×声量 + 0.25×负面占比 + 0.20×传播面 + 0.20×增长），声量以本周最大议题为 1，传播面为涉及站点占本周活跃站点之比，"
              "增长为本周较前四周均值的倍数取以 2 为底的对数除以 2（截断到 0–1）。风险等级：指数 ≥ 60 或负面过半（≥ 20 篇）为高，≥ 40 较高，≥ 20 一般，其余低。");
  std::vector<std::vector<Cell>> rows;
  int rank = 0;
  for (const auto& i : r.issues) {
    rows.push_back({num_cell(std::to_string(++rank)), Cell{i.name, drill(i.drill).url}, num_cell(n(i.documents)), num_cell(n(i.last_week)),
                    num_cell(fixed(i.mean_4w)), num_cell(percent_text(i.negative, i.documents)), num_cell(std::to_string(i.sites)),
                    num_cell(std::to_string(i.places)), num_cell(fixed(i.pressure)), Cell{i.risk}, Cell{join(i.departments, "、", 3)}});
  }
  d.table({"#", "议题", "本周", "上周", "前四周均值", "负面占比", "站点", "区域", "压力指数", "风险", "责任单位"}, rows);
  for (size_t k = 0; k < r.issues.size() && k < 3; ++k) d.drill(r.issues[k].drill);

  std::vector<svg::Bar> bars;
  std::vector<svg::Stack> stacks;
  for (size_t k = 0; k < r.issues.size() && k < 10; ++k) {
    const auto& i = r.issues[k];
    bars.push_back({i.name, i.pressure, i.risk, risk_color(i.risk)});
    stacks.push_back({i.name, {{"负面", double(i.negative), "#c0392b"}, {"非负面", double(i.documents - i.negative), "#95a5a6"}}});
  }
  d.chart(svg::bar_chart("议题压力指数（前十）", bars), "图4 议题压力指数，标注风险等级");
  d.chart(svg::stacked_bars("议题情感构成（篇）", stacks), "图5 各议题本周负面与非负面文档");
}

}  // namespace yuqing::reports::sections
