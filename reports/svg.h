// Charts of the weekly report as inline SVG, drawn here so the HTML is one self-contained file that
// opens offline and prints identically through Chromium (no script, no web fonts, no network).
//
// Contract
// - Each function returns one complete <svg> element with a viewBox (it scales with the page) and
//   a <title> for screen readers; every label passes through escape_xml(), so scraped text can
//   never become markup.
// - Empty input still yields a valid <svg> that says 无数据, never an empty string.
// - Pure functions: same input, same bytes (the tests compare and inspect them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yuqing::reports::svg {

// & < > " ' as entities (valid in HTML text, attributes and SVG).
std::string escape_xml(std::string_view text);

struct Series {
  std::string name;
  std::vector<double> values;   // one per label
  std::string color;            // CSS colour, e.g. "#c0392b"
  bool percent = false;         // values are 0..1 shares, drawn on a 0..100 % axis
};
struct LineChart {
  std::string title;
  std::vector<std::string> labels;  // x axis (days)
  std::vector<Series> series;       // all share one axis: do not mix counts and shares
  int highlight_from = -1;          // index from which the x range is shaded (the report's week)
  int width = 680, height = 220;
};
std::string line_chart(const LineChart& c);

struct Bar {
  std::string label;
  double value = 0;
  std::string note;     // shown after the value, e.g. "高"
  std::string color;
};
// Horizontal bars, largest scale = the largest value.
std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, int width = 680);

struct Segment {
  std::string name;     // legend entry, e.g. 负面
  double value = 0;
  std::string color;
};
struct Stack {
  std::string label;
  std::vector<Segment> segments;  // same names and order in every stack
};
// Horizontal 100 % stacks (sentiment mix per issue), with a legend.
std::string stacked_bars(const std::string& title, const std::vector<Stack>& stacks, int width = 680);

struct Tile {
  std::string name;       // town or street
  double documents = 0;
  double negative_share = 0;  // 0..1, colours the tile
  std::string note;       // e.g. the top issue
};
// A grid of tiles (three per row): name, documents, negative share; darker red = more negative.
std::string tile_grid(const std::string& title, const std::vector<Tile>& tiles, int width = 680);

}  // namespace yuqing::reports::svg
