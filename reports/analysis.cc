// The pure parts of the report model: drill-down links, the pressure index, risk levels and the
// recommendation rules (reports/model.h states the formulas; docs/REPORTS.md explains them).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "reports/model.h"

namespace yuqing::reports {
namespace {

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Percent-encoding for a URL query value (UTF-8 bytes outside the unreserved set).
std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// A shell word: bare when safe, else single-quoted.
std::string shell_word(const std::string& s) {
  bool plain = !s.empty();
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c >= 0x80 || c == '-' || c == '_' || c == '.' || c == ':' || c == '/')) plain = false;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string join(const std::vector<std::string>& v, const std::string& sep, size_t max = 99) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

DrillLink drill(const Drill& d) {
  DrillLink out;
  out.cli = "yuqing query docs --since " + d.since + " --until " + d.until;
  out.url = std::string(kDashboardBase) + "?since=" + d.since + "&until=" + d.until;
  for (const auto& [dim, value] : d.filters) {
    out.cli += " --" + dim + " " + shell_word(value);
    out.url += "&" + dim + "=" + url_encode(value);
  }
  if (!d.filters.empty()) out.cli += " --exact";
  out.cli += " --limit 100";
  return out;
}

double pressure_index(const IssueRow& i, uint64_t max_documents, int active_sites) {
  if (i.documents == 0) return 0;
  const double v = max_documents ? double(i.documents) / double(max_documents) : 0;
  const double n = double(i.negative) / double(i.documents);
  const double s = active_sites > 0 ? std::min(1.0, double(i.sites) / active_sites) : 0;
  const double g = std::clamp(std::log2((double(i.documents) + 1) / (i.mean_4w + 1)) / 2, 0.0, 1.0);
  const double p = 100 * (0.35 * std::min(v, 1.0) + 0.25 * n + 0.20 * s + 0.20 * g);
  return std::round(p * 10) / 10;
}

std::string risk_level(double pressure, uint64_t documents, uint64_t negative) {
  if (pressure >= 60 || (documents >= 20 && 2 * negative >= documents)) return "高";
  if (pressure >= 40) return "较高";
  if (pressure >= 20) return "一般";
  return "低";
}

void rank_issues(Report& r) {
  uint64_t max_docs = 0;
  for (const auto& i : r.issues) max_docs = std::max(max_docs, i.documents);
  for (auto& i : r.issues) {
    i.pressure = pressure_index(i, max_docs, r.overview.sites);
    i.risk = risk_level(i.pressure, i.documents, i.negative);
  }
  std::stable_sort(r.issues.begin(), r.issues.end(), [](const IssueRow& a, const IssueRow& b) {
    if (a.pressure != b.pressure) return a.pressure > b.pressure;
    if (a.documents != b.documents) return a.documents > b.documents;
    return a.name < b.name;
  });
}

std::string change_text(double now, double before) {
  if (before <= 0) return now > 0 ? "新增" : "持平";
  const double pct = 100 * (now - before) / before;
  if (std::fabs(pct) < 0.05) return "持平";
  return (pct > 0 ? "+" : "") + fixed(pct, 1) + "%";
}

std::string percent_text(uint64_t part, uint64_t whole) {
  return whole ? fixed(100.0 * double(part) / double(whole), 1) + "%" : "0.0%";
}

// The rules, in the order they are reported. Each sentence quotes the figures that fired it.
std::vector<Recommendation> recommend(const Report& r) {
  std::vector<Recommendation> out;
  const auto& o = r.overview;
  // R1: the district's volume rose by half or more over the 4-week mean.
  if (o.mean_4w > 0 && double(o.documents) >= 1.5 * o.mean_4w) {
    out.push_back({"全区本周舆情总量" + std::to_string(o.documents) + "篇，较前四周均值（" + fixed(o.mean_4w, 1) + "篇）" +
                       change_text(double(o.documents), o.mean_4w) + "，建议各责任单位提高研判频次。",
                   "1 总体态势"});
  }
  // R2: the negative share rose by 10 points or more week over week.
  if (o.documents > 0 && o.last_week > 0) {
    const double now = double(o.negative) / double(o.documents), before = double(o.last_week_negative) / double(o.last_week);
    if (now - before >= 0.10)
      out.push_back({"负面占比由上周" + percent_text(o.last_week_negative, o.last_week) + "升至" + percent_text(o.negative, o.documents) +
                         "，建议关注负面信息集中的议题与区域。",
                     "1 总体态势"});
  }
  // R3: every issue at risk 高 or 较高, with its departments.
  for (const auto& i : r.issues) {
    if (i.risk != "高" && i.risk != "较高") continue;
    const std::string who = i.departments.empty() ? "责任单位" : join(i.departments, "、", 3);
    out.push_back({"「" + i.name + "」风险等级" + i.risk + "（压力指数" + fixed(i.pressure, 1) + "）：本周" + std::to_string(i.documents) +
                       "篇，上周" + std::to_string(i.last_week) + "篇，负面占比" + percent_text(i.negative, i.documents) + "，涉及" +
                       std::to_string(i.sites) + "个站点；建议" + who + "研判回应。",
                   "2 热点议题"});
  }
  // R4: a leading story with an alert still open (not closed); one per primary issue, since
  // stories of one issue share its alerts.
  std::vector<std::string> issues_named;
  for (const auto& s : r.stories) {
    if (!s.primary_issue.empty() && std::find(issues_named.begin(), issues_named.end(), s.primary_issue) != issues_named.end())
      continue;
    int open = 0;
    for (const auto& a : s.alerts) open += a.closed ? 0 : 1;
    if (open == 0) continue;
    issues_named.push_back(s.primary_issue);
    const std::string who = s.departments.empty() ? "责任单位" : join(s.departments, "、", 2);
    out.push_back({"事件「" + s.title + "」本周" + std::to_string(s.documents) + "篇、" + std::to_string(s.sites) + "个站点传播，相关预警" +
                       std::to_string(open) + "条尚未关闭，建议" + who + "及时处置并发布权威信息。",
                   "3 重点事件"});
  }
  // R5: a town or street with a negative share of 40 % or more on at least 10 documents.
  for (const auto& p : r.places) {
    if (p.documents < 10 || 5 * p.negative < 2 * p.documents) continue;
    out.push_back({p.name + "本周" + std::to_string(p.documents) + "篇，负面占比" + percent_text(p.negative, p.documents) +
                       (p.top_issue.empty() ? std::string() : "，主要涉及「" + p.top_issue + "」") + "，建议属地加强沟通解释。",
                   "4 分区域"});
  }
  // R6: unanswered messages or replies past the deadline, per department (the board total first).
  const auto& b = r.board;
  if (b.unanswered > 0 || b.late > 0) {
    out.push_back({"留言板本周留言" + std::to_string(b.messages) + "条，已答复" + std::to_string(b.replied) + "条，未答复" +
                       std::to_string(b.unanswered) + "条，超过" + std::to_string(b.deadline_days) + "天答复" + std::to_string(b.late) +
                       "条，建议督促办理。",
                   "5 部门回应"});
  }
  // Per department only where it matters (3 or more unanswered), the five largest, so the list
  // names who to chase instead of repeating the table.
  std::vector<const DepartmentRow*> backlog;
  for (const auto& d : r.departments)
    if (d.unanswered >= 3) backlog.push_back(&d);
  std::stable_sort(backlog.begin(), backlog.end(), [](const DepartmentRow* a, const DepartmentRow* b) { return a->unanswered > b->unanswered; });
  if (backlog.size() > 5) backlog.resize(5);
  for (const auto* d : backlog)
    out.push_back({"建议" + d->name + "办理未答复留言" + std::to_string(d->unanswered) + "条（本周留言" + std::to_string(d->messages) + "条）。",
                   "5 部门回应"});
  // R7: alerts not yet acknowledged, per department.
  for (const auto& d : r.departments) {
    const int pending = d.alerts - d.acknowledged;
    if (pending <= 0) continue;
    out.push_back({d.name + "本周收到预警" + std::to_string(d.alerts) + "条，" + std::to_string(pending) + "条尚未确认，建议尽快签收。",
                   "5 部门回应"});
  }
  if (out.empty()) out.push_back({"本周各项指标均未触发关注规则，舆情总体平稳。", "1–5"});
  return out;
}

}  // namespace yuqing::reports
