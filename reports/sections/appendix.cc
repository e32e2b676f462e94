// 7 附录: method, data coverage per source, what the figures count.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"

namespace yuqing::reports::sections {

void appendix(const Report& r, Doc& d) {
  d.heading("方法");
  d.bullets({"数据：系统采集的新闻、评论、领导留言板留言与答复、论坛帖子，经分词、议题（区政务公开方案的议题及责任单位）、情感、意图、地点标注后入库。",
             "统计口径：所有数量均为去重后的文档数（按文档 ID 精确去重）；时间为发布时间（缺失时为采集时间），按 " + r.timezone + " 的自然周（周一 0 时起）划分。",
             "前四周均值：本周之前连续四周中有数据各周的文档量平均值（本报告为 " + std::to_string(r.overview.baseline_weeks) + " 周）。",
             "事件：内容相同或近似的文档（含转载）归为一个事件；首发为事件最早的文档。",
             "留言答复时长：首条答复时间减去留言时间；超过 " + std::to_string(r.board.deadline_days) + " 天为超期；未答复以报告生成时库中数据为准。",
             "关注建议规则：总量较前四周均值增加 50% 以上；负面占比较上周上升 10 个百分点以上；议题风险等级为高或较高；重点事件有未关闭预警；"
             "镇街负面占比 ≥ 40% 且 ≥ 10 篇；存在未答复或超期答复留言（未答复 ≥ 3 条的责任单位，最多列 5 个）；预警尚未确认。",
             "每个数字均来自 yuqing 查询库，“明细”一行给出可复现的命令（yuqing query docs …）及看板链接。"});
  d.heading("数据覆盖");
  std::vector<std::vector<Cell>> rows;
  bool any_health = false;
  for (const auto& c : r.coverage) any_health = any_health || c.crawl_health;
  for (const auto& c : r.coverage) {
    rows.push_back({Cell{c.source}, num_cell(n(c.documents)), Cell{c.kinds.empty() ? "—" : c.kinds},
                    c.crawl_health ? num_cell(n(c.fetched)) : Cell{"—"}, c.crawl_health ? num_cell(n(c.failed)) : Cell{"—"},
                    Cell{c.crawl_health && !c.last_success.empty() ? c.last_success : "—"}});
  }
  d.table({"来源站点", "本周文档", "类型构成", "抓取页面", "失败", "最近成功"}, rows);
  if (!any_health) d.paragraph("本周无采集健康记录（crawl_health 为空，例如数据直接导入），覆盖按各站点入库文档统计。");
  d.heading("报告信息");
  d.paragraph("周次 " + r.week + "，生成于 " + r.generated_at + "。由 yuqing report weekly 生成。");
}

}  // namespace yuqing::reports::sections
