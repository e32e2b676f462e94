// Rendering the report model as one self-contained HTML file (print-ready for Chromium: A4, cover,
// page numbers, charts kept whole) or as Markdown.
//
// Contract
// - Sections (reports/sections/) write through Doc once; HtmlDoc and MarkdownDoc turn the same calls
//   into their format, so both outputs always hold the same figures.
// - Every string a section passes is plain text: the HTML writer escapes all of it (titles of
//   crawled pages are hostile input), the Markdown writer escapes Markdown and HTML metacharacters.
//   Only chart() takes markup, and only the SVG made by reports/svg.h, which escapes its labels.
// - The HTML references nothing outside itself (no scripts, fonts, images or style sheets).
#pragma once

#include <string>
#include <vector>

#include "reports/model.h"

namespace yuqing::reports {

struct Cell {
  std::string text;
  std::string href;      // a link when not empty (only http/https/file URLs are linked)
  bool numeric = false;  // right-aligned
  Cell(std::string t, std::string link = {}, bool right = false) : text(std::move(t)), href(std::move(link)), numeric(right) {}
  Cell(const char* t) : text(t) {}
};
inline Cell num_cell(const std::string& t) { return Cell(t, "", true); }

class Doc {
 public:
  virtual ~Doc() = default;
  virtual void section(const std::string& number, const std::string& title) = 0;
  virtual void heading(const std::string& text) = 0;           // a sub-heading inside a section
  virtual void paragraph(const std::string& text) = 0;
  virtual void bullets(const std::vector<std::string>& items) = 0;
  virtual void table(const std::vector<std::string>& head, const std::vector<std::vector<Cell>>& rows) = 0;
  virtual void chart(const std::string& svg, const std::string& caption) = 0;
  virtual void drill(const Drill& d) = 0;                       // "明细" line: CLI arguments and dashboard link
  virtual void begin_keep() = 0;                                // content kept on one page when it fits
  virtual void end_keep() = 0;
};

std::string render_html(const Report& r);
std::string render_markdown(const Report& r);

// HTML text escaping (& < > " ').
std::string html_escape(const std::string& text);
// Only http(s) and file URLs become links; anything else (javascript:, data:) is shown as text.
bool linkable_url(const std::string& url);

}  // namespace yuqing::reports
