// 5 部门回应: alerts per responsible department and the message board's reply figures.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"

namespace yuqing::reports::sections {

void departments(const Report& r, Doc& d) {
  d.heading("预警处置");
  if (r.alerts.empty()) {
    d.paragraph("本周无预警。");
  } else {
    std::vector<std::vector<Cell>> rows;
    for (const auto& a : r.alerts)
      rows.push_back({Cell{a.fired_at}, Cell{a.severity}, Cell{a.title}, Cell{join(a.departments, "、", 3)}, Cell{a.status}});
    d.table({"触发时间", "等级", "预警", "责任单位", "状态"}, rows);
  }
  const auto& b = r.board;
  d.heading("留言办理");
  if (b.messages == 0) {
    d.paragraph("本周留言板无新留言。");
  } else {
    d.paragraph("本周留言板（" + b.site + "）新增留言 " + n(b.messages) + " 条，已答复 " + n(b.replied) + " 条，答复时长中位数 " +
                duration(b.median_reply_hours) + "，超过 " + std::to_string(b.deadline_days) + " 天答复 " + n(b.late) + " 条，尚未答复 " +
                n(b.unanswered) + " 条（截至报告生成时）。");
    d.drill(b.drill);
  }
  d.heading("各责任单位");
  if (r.departments.empty()) {
    d.paragraph("本周无责任单位收到预警或留言。");
    return;
  }
  std::vector<std::vector<Cell>> rows;
  for (const auto& x : r.departments)
    rows.push_back({Cell{x.name}, num_cell(std::to_string(x.alerts)), num_cell(std::to_string(x.acknowledged)),
                    num_cell(std::to_string(x.closed)), num_cell(n(x.messages)), num_cell(n(x.replied)),
                    num_cell(x.replied ? duration(x.median_reply_hours) : "—"), num_cell(n(x.late)), num_cell(n(x.unanswered))});
  d.table({"责任单位", "收到预警", "已确认", "已关闭", "留言", "已答复", "答复中位时长", "超期答复", "未答复"}, rows);
}

}  // namespace yuqing::reports::sections
