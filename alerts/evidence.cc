#include "alerts/evidence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace yuqing::alerts {

namespace {

// Most frequent first, ties by name, at most `limit`.
std::vector<std::string> ranked(const std::map<std::string, int>& counts, size_t limit) {
  std::vector<std::pair<std::string, int>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size() && i < limit; ++i) out.push_back(v[i].first);
  return out;
}

std::string sample_title(const Fact& f) {
  if (!f.title.empty()) return f.title;
  return utf8_prefix(f.text, 90) + (f.text.size() > 90 ? "…" : "");
}

}  // namespace

void add_evidence(const FactSet& facts, const std::vector<size_t>& indices, Alert& a, size_t samples) {
  std::map<std::string, int> sites, terms, places;
  for (size_t i : indices) {
    const Fact& f = facts.facts()[i];
    a.document_ids.push_back(f.id);
    ++sites[f.site];
    for (const auto& k : f.keywords) ++terms[k];
    for (const auto& p : f.places) ++places[p];
  }
  // A district-wide alert says where its documents are from: a rise all in one street reads
  // differently from one spread over the towns.
  if (a.place.empty() && !places.empty()) {
    std::string where;
    for (const auto& p : ranked(places, 3)) where += (where.empty() ? "" : "、") + p + " " + std::to_string(places[p]) + " 篇";
    a.summary += "文档涉及地点：" + where + "。";
  }
  std::sort(a.document_ids.begin(), a.document_ids.end());
  a.document_ids.erase(std::unique(a.document_ids.begin(), a.document_ids.end()), a.document_ids.end());
  a.top_sources = ranked(sites, 5);
  if (a.terms.empty()) a.terms = ranked(terms, 8);
  if (!indices.empty()) {
    const Fact& first = facts.facts()[*std::min_element(indices.begin(), indices.end())];
    a.first_publisher = first.site + "：" + sample_title(first);
  }
  // Top-level negative voices tell the concern best; then the earliest.
  std::vector<size_t> order(indices.begin(), indices.end());
  auto rank = [&](size_t i) {
    const Fact& f = facts.facts()[i];
    return (f.sentiment == "negative" ? 0 : 2) + (f.parent_id.empty() ? 0 : 1);
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rank(x) < rank(y); });
  for (size_t k = 0; k < order.size() && a.samples.size() < samples; ++k) {
    const Fact& f = facts.facts()[order[k]];
    a.samples.push_back({f.id, sample_title(f), f.url, f.site, f.time, f.sentiment});
  }
}

int local_hour(UnixSeconds t, int utc_offset_minutes) {
  const UnixSeconds local = t + UnixSeconds(utc_offset_minutes) * 60;
  return int(((local % kDay) + kDay) % kDay / kHour);
}

UnixSeconds local_day_start(UnixSeconds t, int utc_offset_minutes) {
  const UnixSeconds offset = UnixSeconds(utc_offset_minutes) * 60;
  const UnixSeconds local = t + offset;
  const UnixSeconds day = (local >= 0 ? local / kDay : (local - kDay + 1) / kDay) * kDay;
  return day - offset;
}

std::vector<SeriesPoint> daily_series(const FactSet& facts, const std::vector<size_t>& indices, UnixSeconds from,
                                      UnixSeconds to, double expected_per_day, int utc_offset_minutes) {
  std::vector<SeriesPoint> out;
  for (UnixSeconds d = local_day_start(from, utc_offset_minutes); d < to; d += kDay) out.push_back({d, 0, expected_per_day});
  for (size_t i : indices) {
    const UnixSeconds t = facts.facts()[i].time;
    if (t < from || t >= to || out.empty()) continue;
    const size_t k = size_t((t - out.front().start) / kDay);
    if (k < out.size()) out[k].observed += 1;
  }
  return out;
}

std::string where_what(const std::string& issue, const std::string& place) {
  return (place.empty() ? std::string("全区") : place) + " " + (issue.empty() ? std::string("未分类") : issue);
}

std::string format_p(double p) {
  char buf[32];
  if (p >= 0.001) {
    std::snprintf(buf, sizeof buf, "%.3f", p);
  } else {
    std::snprintf(buf, sizeof buf, "%.1e", std::max(p, 1e-300));
  }
  return buf;
}

std::string format_number(double x, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

}  // namespace yuqing::alerts
