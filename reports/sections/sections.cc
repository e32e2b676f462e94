#include "reports/sections/sections.h"

namespace yuqing::reports::sections {

const std::vector<Entry>& all() {
  static const std::vector<Entry> table = {
      {"1", "总体态势", &overview},
      {"2", "热点议题", &issues},
      {"3", "重点事件", &events},
      {"4", "分区域", &places},
      {"5", "部门回应", &departments},
      {"6", "关注建议", &advice},
      {"7", "附录", &appendix},
  };
  return table;
}

}  // namespace yuqing::reports::sections
