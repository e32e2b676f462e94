// 6 关注建议: the rule-based recommendations (reports/analysis.cc), each with the section behind it.
#include "reports/sections/sections.h"

namespace yuqing::reports::sections {

void advice(const Report& r, Doc& d) {
  std::vector<std::string> items;
  for (const auto& x : r.recommendations) items.push_back(x.text + "（依据：" + x.basis + "）");
  d.bullets(items);
  d.paragraph("以上建议由固定规则从本报告数据生成，规则见附录。");
}

}  // namespace yuqing::reports::sections
