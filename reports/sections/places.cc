// 4 分区域: the district's towns and street — volume, negativity, top issue.
#include "reports/sections/format.h"
#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports::sections {

void places(const Report& r, Doc& d) {
  d.paragraph("按文档中识别出的镇街统计（一篇文档可涉及多个镇街；未提及镇街的文档不计入本节）。");
  std::vector<svg::Tile> tiles;
  std::vector<std::vector<Cell>> rows;
  for (const auto& p : r.places) {
    const double share = p.documents ? double(p.negative) / double(p.documents) : 0;
    tiles.push_back({p.name, double(p.documents), share, p.top_issue.empty() ? "—" : "首要：" + p.top_issue});
    rows.push_back({Cell{p.name, drill(p.drill).url}, num_cell(n(p.documents)), num_cell(n(p.negative)),
                    num_cell(percent_text(p.negative, p.documents)),
                    Cell{p.top_issue.empty() ? "—" : p.top_issue + "（" + n(p.top_issue_documents) + " 篇）"}});
  }
  d.chart(svg::tile_grid("各镇街本周舆情", tiles), "图 各镇街文档量与负面占比");
  d.table({"镇街", "文档量", "负面", "负面占比", "首要议题"}, rows);
  for (const auto& p : r.places)
    if (p.documents > 0) {
      d.drill(p.drill);
      break;
    }
}

}  // namespace yuqing::reports::sections
