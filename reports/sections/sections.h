// The report's sections, one file each (reports/sections/*.cc) and one line each in the table of
// sections.cc: a section reads the model and writes through Doc, never formats HTML or Markdown.
#pragma once

#include <vector>

#include "reports/model.h"
#include "reports/render.h"

namespace yuqing::reports::sections {

using Writer = void (*)(const Report&, Doc&);
struct Entry {
  const char* number;  // "1"
  const char* title;   // "总体态势"
  Writer write;
};
// In report order.
const std::vector<Entry>& all();

void overview(const Report& r, Doc& d);     // 1 总体态势
void issues(const Report& r, Doc& d);       // 2 热点议题
void events(const Report& r, Doc& d);       // 3 重点事件
void places(const Report& r, Doc& d);       // 4 分区域
void departments(const Report& r, Doc& d);  // 5 部门回应
void advice(const Report& r, Doc& d);       // 6 关注建议
void appendix(const Report& r, Doc& d);     // 7 附录

}  // namespace yuqing::reports::sections
