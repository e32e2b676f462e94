#include "reports/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace yuqing::reports::svg {
namespace {

constexpr const char* kFont = "font-family=\"'Noto Sans CJK SC','Noto Sans SC',sans-serif\"";

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A count as text: integers without decimals.
std::string count_text(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string open_svg(int w, int h, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
         "\" width=\"100%\" role=\"img\" " + kFont + ">\n<title>" + escape_xml(title) + "</title>\n";
}

std::string text(double x, double y, const std::string& s, int size = 11, const char* anchor = "start", const char* fill = "#333") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) + "\" text-anchor=\"" + anchor +
         "\" fill=\"" + fill + "\">" + escape_xml(s) + "</text>\n";
}

std::string no_data(int w, const std::string& title) {
  return open_svg(w, 60, title) + text(w / 2.0, 35, "无数据", 13, "middle", "#999") + "</svg>\n";
}

// A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `v`.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

// A colour between white-ish and red for a share 0..1.
std::string heat(double share) {
  const double t = std::clamp(share, 0.0, 1.0);
  const int r = int(250 - 58 * t), g = int(240 - 183 * t), b = int(235 - 192 * t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

}  // namespace

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0; scraped text may hold them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string line_chart(const LineChart& c) {
  size_t n = c.labels.size();
  if (n == 0 || c.series.empty()) return no_data(c.width, c.title);
  const double left = 48, right = 16, top = 28, bottom = 26;
  const double pw = c.width - left - right, ph = c.height - top - bottom;
  const bool percent = c.series.front().percent;
  double maxv = 0;
  for (const auto& s : c.series)
    for (double v : s.values) maxv = std::max(maxv, percent ? v * 100 : v);
  const double ymax = nice_max(maxv);
  const auto x = [&](size_t i) { return left + (n == 1 ? pw / 2 : pw * double(i) / double(n - 1)); };
  const auto y = [&](double v) { return top + ph - ph * (percent ? v * 100 : v) / ymax; };
  std::string out = open_svg(c.width, c.height, c.title);
  if (c.highlight_from >= 0 && size_t(c.highlight_from) < n) {
    const double x0 = x(size_t(c.highlight_from)) - (n > 1 ? pw / double(n - 1) / 2 : 0);
    out += "<rect x=\"" + num(x0) + "\" y=\"" + num(top) + "\" width=\"" + num(left + pw - x0) + "\" height=\"" + num(ph) +
           "\" fill=\"#fdf2e9\"/>\n";
    out += text(left + pw - 4, top + 12, "本周", 10, "end", "#b9770e");
  }
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4, yy = top + ph - ph * k / 4;
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(yy) + "\" x2=\"" + num(left + pw) + "\" y2=\"" + num(yy) +
           "\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>\n";
    out += text(left - 6, yy + 4, percent ? count_text(v) + "%" : count_text(v), 10, "end", "#666");
  }
  const size_t step = std::max<size_t>(1, (n + 6) / 7);
  for (size_t i = 0; i < n; i += step) out += text(x(i), top + ph + 16, c.labels[i].size() >= 10 ? c.labels[i].substr(5) : c.labels[i], 10, "middle", "#666");
  double legend_x = left;
  for (const auto& s : c.series) {
    std::string points;
    for (size_t i = 0; i < n && i < s.values.size(); ++i) points += (i ? " " : "") + num(x(i)) + "," + num(y(s.values[i]));
    out += "<polyline fill=\"none\" stroke=\"" + escape_xml(s.color) + "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
    out += "<rect x=\"" + num(legend_x) + "\" y=\"8\" width=\"12\" height=\"4\" fill=\"" + escape_xml(s.color) + "\"/>\n";
    out += text(legend_x + 16, 14, s.name, 11);
    legend_x += 24 + 13.0 * double(s.name.size()) / 3 + 20;
  }
  return out + "</svg>\n";
}

std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, int width) {
  if (bars.empty()) return no_data(width, title);
  const double label_w = 200, row = 24, top = 8, value_w = 110;
  const double pw = width - label_w - value_w;
  double maxv = 0;
  for (const auto& b : bars) maxv = std::max(maxv, b.value);
  const int height = int(top + row * double(bars.size()) + 8);
  std::string out = open_svg(width, height, title);
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y0 = top + row * double(i);
    const double w = maxv > 0 ? pw * b.value / maxv : 0;
    out += text(label_w - 8, y0 + 16, b.label, 12, "end");
    out += "<rect x=\"" + num(label_w) + "\" y=\"" + num(y0 + 4) + "\" width=\"" + num(std::max(w, 1.0)) + "\" height=\"16\" fill=\"" +
           escape_xml(b.color.empty() ? "#2e86c1" : b.color) + "\"/>\n";
    out += text(label_w + w + 6, y0 + 16, count_text(b.value) + (b.note.empty() ? "" : "  " + b.note), 11);
  }
  return out + "</svg>\n";
}

std::string stacked_bars(const std::string& title, const std::vector<Stack>& stacks, int width) {
  if (stacks.empty()) return no_data(width, title);
  const double label_w = 200, row = 24, top = 28, right = 16;
  const double pw = width - label_w - right;
  const int height = int(top + row * double(stacks.size()) + 8);
  std::string out = open_svg(width, height, title);
  double lx = label_w;
  for (const auto& seg : stacks.front().segments) {
    out += "<rect x=\"" + num(lx) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" + escape_xml(seg.color) + "\"/>\n";
    out += text(lx + 16, 18, seg.name, 11);
    lx += 70;
  }
  for (size_t i = 0; i < stacks.size(); ++i) {
    const auto& s = stacks[i];
    const double y0 = top + row * double(i);
    double total = 0;
    for (const auto& seg : s.segments) total += seg.value;
    out += text(label_w - 8, y0 + 16, s.label, 12, "end");
    double x0 = label_w;
    for (const auto& seg : s.segments) {
      const double w = total > 0 ? pw * seg.value / total : 0;
      if (w <= 0) continue;
      out += "<rect x=\"" + num(x0) + "\" y=\"" + num(y0 + 4) + "\" width=\"" + num(w) + "\" height=\"16\" fill=\"" + escape_xml(seg.color) +
             "\"><title>" + escape_xml(seg.name + " " + count_text(seg.value)) + "</title></rect>\n";
      if (w > 28) out += text(x0 + w / 2, y0 + 16, count_text(seg.value), 10, "middle", "#fff");
      x0 += w;
    }
  }
  return out + "</svg>\n";
}

std::string tile_grid(const std::string& title, const std::vector<Tile>& tiles, int width) {
  if (tiles.empty()) return no_data(width, title);
  const int per_row = 3;
  const double gap = 10, tile_h = 84, top = 6;
  const double tile_w = (width - gap * (per_row + 1)) / per_row;
  const int rows = int((tiles.size() + per_row - 1) / per_row);
  const int height = int(top + rows * (tile_h + gap) + 24);
  std::string out = open_svg(width, height, title);
  for (size_t i = 0; i < tiles.size(); ++i) {
    const auto& t = tiles[i];
    const double x0 = gap + double(i % per_row) * (tile_w + gap), y0 = top + double(i / per_row) * (tile_h + gap);
    const bool dark = t.negative_share > 0.55;
    const char* ink = dark ? "#fff" : "#222";
    out += "<rect x=\"" + num(x0) + "\" y=\"" + num(y0) + "\" width=\"" + num(tile_w) + "\" height=\"" + num(tile_h) +
           "\" rx=\"6\" fill=\"" + heat(t.negative_share) + "\" stroke=\"#ccc\"/>\n";
    out += text(x0 + 10, y0 + 22, t.name, 14, "start", ink);
    out += text(x0 + 10, y0 + 44, count_text(t.documents) + " 篇 · 负面 " + num(100 * t.negative_share) + "%", 12, "start", ink);
    out += text(x0 + 10, y0 + 66, t.note, 11, "start", ink);
  }
  out += text(gap, height - 6, title + "（颜色越深，负面占比越高）", 11, "start", "#555");
  return out + "</svg>\n";
}

}  // namespace yuqing::reports::svg
