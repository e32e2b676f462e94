// Text helpers shared by the extractors (body.cc, metadata.cc, comments.cc): how long a piece of
// page text "reads", and the small string operations they all need.
//
// Contract: pure functions over UTF-8; never throw. Internal to crawlers/extract/ (not a general
// string library: the weights below are tuned for scoring news text).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace yuqing::crawlers::text {

// Weighted length and punctuation count, added to `len` and `punct`. CJK characters count 2 (one
// carries about as much as a short English word), other characters 1, a run of white space 1,
// ideographic and no-break spaces 0. Punctuation: ',' and ， 、 。 ； ！ ？.
void measure(std::string_view s, double& len, int& punct);

std::string lower(std::string_view s);  // ASCII only

template <class Needles>
bool contains_any(std::string_view hay, const Needles& needles) {
  for (std::string_view n : needles)
    if (hay.find(n) != std::string_view::npos) return true;
  return false;
}
bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles);

std::string trim(std::string_view s);  // ASCII white space at both ends

// Splits text at '\n', collapses white space (no-break and ideographic spaces included) inside
// each line, trims it and drops empty lines.
std::vector<std::string> tidy_lines(const std::string& raw);

}  // namespace yuqing::crawlers::text
