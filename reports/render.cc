#include "reports/render.h"

#include "reports/sections/sections.h"
#include "reports/svg.h"

namespace yuqing::reports {
namespace {

// Print layout. Chromium (>= 131) draws @page margin boxes, so page numbers come from CSS and the
// PDF needs no post-processing; the cover page has none.
constexpr const char* kCss = R"css(
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; color: #666;
    font-family: 'Noto Sans CJK SC', sans-serif; }
  @top-right { content: string(week); font-size: 8pt; color: #999; font-family: 'Noto Sans CJK SC', sans-serif; } }
@page :first { @bottom-center { content: none; } @top-right { content: none; } }
html { font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif; font-size: 10.5pt; color: #222; }
body { max-width: 190mm; margin: 0 auto; line-height: 1.55; }
.cover { height: 250mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover h1 { font-size: 30pt; margin: 0 0 6mm 0; color: #922b21; letter-spacing: 2pt; }
.cover .week { font-size: 16pt; margin-bottom: 14mm; string-set: week content(); }
.cover table { width: 100%; }
section { margin-top: 6mm; }
section.newpage { break-before: page; }
h2 { font-size: 15pt; color: #922b21; border-bottom: 2px solid #922b21; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm 0; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm 0; font-size: 9.5pt; }
th, td { border: 1px solid #ccc; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f4ecec; white-space: nowrap; }
td.n { text-align: right; white-space: nowrap; }
td.s { white-space: nowrap; }
tr { break-inside: avoid; }
figure { margin: 2mm 0 4mm 0; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #555; }
.keep { break-inside: avoid; }
.drill { font-size: 8.5pt; color: #666; margin: 0 0 3mm 0; overflow-wrap: anywhere; }
.drill code { background: #f6f6f6; padding: 0 1mm; }
ul { padding-left: 6mm; }
li { margin-bottom: 1.5mm; break-inside: avoid; }
)css";

class HtmlDoc : public Doc {
 public:
  std::string out;
  bool open_section = false;
  void section(const std::string& number, const std::string& title) override {
    close();
    // Sections that start with large tables or charts begin a page, so a chart never starts at a
    // page's foot.
    const bool newpage = number == "1" || number == "3" || number == "5" || number == "7";
    out += std::string("<section") + (newpage ? " class=\"newpage\"" : "") + " id=\"s" + html_escape(number) + "\">\n<h2>" +
           html_escape(number) + " " + html_escape(title) + "</h2>\n";
    open_section = true;
  }
  void heading(const std::string& text) override { out += "<h3>" + html_escape(text) + "</h3>\n"; }
  void paragraph(const std::string& text) override { out += "<p>" + html_escape(text) + "</p>\n"; }
  void bullets(const std::vector<std::string>& items) override {
    out += "<ul>\n";
    for (const auto& i : items) out += "<li>" + html_escape(i) + "</li>\n";
    out += "</ul>\n";
  }
  void table(const std::vector<std::string>& head, const std::vector<std::vector<Cell>>& rows) override {
    out += "<table>\n<thead><tr>";
    for (const auto& h : head) out += "<th>" + html_escape(h) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
      out += "<tr>";
      for (const auto& c : row) {
        // Short cells (a status, a date-time, a site) never wrap; long text does.
        out += c.numeric ? "<td class=\"n\">" : c.text.size() <= 19 ? "<td class=\"s\">" : "<td>";
        if (!c.href.empty() && linkable_url(c.href)) out += "<a href=\"" + html_escape(c.href) + "\">" + html_escape(c.text) + "</a>";
        else out += html_escape(c.text);
        out += "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
  }
  void chart(const std::string& svg, const std::string& caption) override {
    out += "<figure>\n" + svg + "<figcaption>" + html_escape(caption) + "</figcaption>\n</figure>\n";
  }
  void drill(const Drill& d) override {
    const DrillLink l = reports::drill(d);
    out += "<p class=\"drill\">明细：<code>" + html_escape(l.cli) + "</code> · <a href=\"" + html_escape(l.url) + "\">看板</a></p>\n";
  }
  void begin_keep() override { out += "<div class=\"keep\">\n"; }
  void end_keep() override { out += "</div>\n"; }
  void close() {
    if (open_section) out += "</section>\n";
    open_section = false;
  }
};

// Markdown: table cells and text escape | * _ ` [ ] < > and backslash; newlines become spaces.
std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '|': case '*': case '_': case '`': case '[': case ']': case '\\': case '#':
        out += '\\';
        out += c;
        break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n': case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

// A URL inside Markdown's <...> link form: only what would end it or break the line is encoded.
std::string md_href(const std::string& url) {
  std::string out;
  for (char c : url) {
    if (c == '<') out += "%3C";
    else if (c == '>') out += "%3E";
    else if (c == ' ') out += "%20";
    else if (c != '\n' && c != '\r') out += c;
  }
  return out;
}

class MarkdownDoc : public Doc {
 public:
  std::string out;
  void section(const std::string& number, const std::string& title) override { out += "\n## " + number + " " + md_escape(title) + "\n\n"; }
  void heading(const std::string& text) override { out += "\n### " + md_escape(text) + "\n\n"; }
  void paragraph(const std::string& text) override { out += md_escape(text) + "\n\n"; }
  void bullets(const std::vector<std::string>& items) override {
    for (const auto& i : items) out += "- " + md_escape(i) + "\n";
    out += "\n";
  }
  void table(const std::vector<std::string>& head, const std::vector<std::vector<Cell>>& rows) override {
    out += "|";
    for (const auto& h : head) out += " " + md_escape(h) + " |";
    out += "\n|";
    for (size_t i = 0; i < head.size(); ++i) out += " --- |";
    out += "\n";
    for (const auto& row : rows) {
      out += "|";
      for (const auto& c : row) {
        if (!c.href.empty() && linkable_url(c.href)) out += " [" + md_escape(c.text) + "](<" + md_href(c.href) + ">) |";
        else out += " " + md_escape(c.text) + " |";
      }
      out += "\n";
    }
    out += "\n";
  }
  void chart(const std::string&, const std::string& caption) override { out += "*（图：" + md_escape(caption) + "，见 HTML/PDF 版）*\n\n"; }
  void drill(const Drill& d) override {
    const DrillLink l = reports::drill(d);
    out += "明细：`" + l.cli + "` · [看板](<" + md_href(l.url) + ">)\n\n";
  }
  void begin_keep() override {}
  void end_keep() override {}
};

std::string num(uint64_t n) { return std::to_string(n); }

// The cover: the week, its dates and what data the figures rest on.
void cover_rows(const Report& r, std::vector<std::vector<Cell>>& rows) {
  uint64_t docs = 0;
  for (const auto& c : r.coverage) docs += c.documents;
  rows.push_back({Cell{"统计周期"}, Cell{r.start_day + " 至 " + r.end_day + "（不含），" + r.timezone}});
  rows.push_back({Cell{"文档总量"}, Cell{num(r.overview.documents) + " 篇（" + num(std::uint64_t(r.overview.sites)) + " 个站点）"}});
  std::string sources;
  for (const auto& c : r.coverage) sources += (sources.empty() ? "" : "；") + c.source + " " + num(c.documents);
  rows.push_back({Cell{"数据覆盖"}, Cell{sources.empty() ? "无" : sources}});
  rows.push_back({Cell{"生成时间"}, Cell{r.generated_at}});
}

}  // namespace

std::string html_escape(const std::string& text) { return svg::escape_xml(text); }

bool linkable_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 || url.rfind("file://", 0) == 0;
}

std::string render_html(const Report& r) {
  const std::string title = r.district + "政务舆情周报 " + r.week;
  HtmlDoc d;
  d.out = "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
          "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n";
  d.out += "<div class=\"cover\">\n<h1>" + html_escape(r.district + "政务舆情周报") + "</h1>\n<div class=\"week\">" +
           html_escape(r.week + "（" + r.start_day + " 至 " + r.end_day + "）") + "</div>\n";
  std::vector<std::vector<Cell>> rows;
  cover_rows(r, rows);
  d.table({"项目", "内容"}, rows);
  d.out += "<p>目录：";
  for (const auto& s : sections::all()) d.out += html_escape(std::string(s.number) + " " + s.title) + "　";
  d.out += "</p>\n</div>\n";
  for (const auto& s : sections::all()) {
    d.section(s.number, s.title);
    s.write(r, d);
  }
  d.close();
  d.out += "</body>\n</html>\n";
  return d.out;
}

std::string render_markdown(const Report& r) {
  MarkdownDoc d;
  d.out = "# " + md_escape(r.district + "政务舆情周报 " + r.week) + "\n\n";
  std::vector<std::vector<Cell>> rows;
  cover_rows(r, rows);
  d.table({"项目", "内容"}, rows);
  for (const auto& s : sections::all()) {
    d.section(s.number, s.title);
    s.write(r, d);
  }
  return d.out;
}

}  // namespace yuqing::reports
