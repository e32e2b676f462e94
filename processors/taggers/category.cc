#include "processors/taggers/category.h"

#include <algorithm>
#include <map>
#include <set>

#include "processors/text/normalize.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

constexpr size_t kMinInnerChars = 2;  // a term found inside a longer word has at least this many characters
constexpr size_t kMaxWordChars = 8;   // longer tokens are not searched inside

std::vector<std::pair<std::string, double>> weighted(YamlSection& s, const std::string& key) {
  std::map<std::string, std::string> raw;
  s.read(key, raw);
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [term, w] : raw) {
    try {
      out.emplace_back(normalize_text(term), std::stod(w));
    } catch (const std::exception&) {
      s.fail(key + "." + term, "weight must be a number, got '" + w + "'");
    }
  }
  return out;
}

}  // namespace

CategoryTagger::CategoryTagger(YamlSection root) {
  root.read("fallback", fallback_);
  YamlSection classes = root.child("level1");
  for (const auto& name : classes.keys()) {
    YamlSection c = classes.child(name);
    const uint32_t l1 = uint32_t(classes_.size());
    classes_.push_back(Class{name, {}});
    auto add = [&](const std::vector<std::pair<std::string, double>>& terms, int l2) {
      for (const auto& [term, w] : terms) {
        const uint32_t id = index_.add(term);
        if (signals_.size() <= id) signals_.resize(id + 1);
        signals_[id].push_back(Signal{l1, l2, w});
      }
    };
    add(weighted(c, "terms"), -1);
    YamlSection level2 = c.child("level2");
    for (const auto& l2name : level2.keys()) {
      classes_.back().level2.push_back(l2name);
      std::vector<std::string> terms;
      level2.read(l2name, terms);
      std::vector<std::pair<std::string, double>> unit;
      for (const auto& t : terms) unit.emplace_back(normalize_text(t), 1.0);
      add(unit, int(classes_.back().level2.size() - 1));
    }
    level2.finish();
    c.finish();
  }
  classes.finish();
  for (uint32_t id = 0; id < index_.terms().size(); ++id) by_text_.emplace(index_.term(id), id);
  if (classes_.empty()) root.fail("level1", "no classes");
  if (std::none_of(classes_.begin(), classes_.end(), [&](const Class& c) { return c.name == fallback_; }))
    root.fail("fallback", "'" + fallback_ + "' is not a level-1 class");
  root.finish();
}

std::vector<std::string> CategoryTagger::level1_names() const {
  std::vector<std::string> out;
  for (const auto& c : classes_) out.push_back(c.name);
  return out;
}

CategoryResult CategoryTagger::tag(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<double> l1(classes_.size(), 0);
  std::map<std::pair<uint32_t, int>, double> l2;
  std::set<uint32_t> seen;
  double total = 0;
  auto count = [&](uint32_t term) {
    if (!seen.insert(term).second) return;  // distinct terms: repetition is not evidence
    for (const auto& s : signals_[term]) {
      l1[s.level1] += s.weight;
      total += s.weight;
      if (s.level2 >= 0) l2[{s.level1, s.level2}] += s.weight;
    }
  };
  for (const auto& hit : index_.find(text, tokens)) count(hit.term);
  for (const auto& t : tokens) {
    // Word tokens are CJK only: three characters take at least 9 bytes.
    if (t.kind != TokenKind::word || t.text.size() < 9 || by_text_.count(t.text)) continue;
    const auto chars = utf8::chars(t.text);
    if (chars.size() <= kMinInnerChars || chars.size() > kMaxWordChars) continue;
    for (size_t b = 0; b < chars.size(); ++b)
      for (size_t e = b + kMinInnerChars; e <= chars.size(); ++e) {
        if (e - b == chars.size()) continue;
        const size_t from = size_t(chars[b].data() - t.text.data());
        const size_t to = size_t(chars[e - 1].data() + chars[e - 1].size() - t.text.data());
        if (const auto it = by_text_.find(t.text.substr(from, to - from)); it != by_text_.end()) count(it->second);
      }
  }
  CategoryResult r;
  const auto best = size_t(std::max_element(l1.begin(), l1.end()) - l1.begin());
  if (total <= 0 || l1[best] <= 0) {
    r.level1 = fallback_;
    return r;
  }
  r.level1 = classes_[best].name;
  r.score = l1[best] / total;
  double best_l2 = 0;
  for (const auto& [key, w] : l2) {
    if (key.first == best && w > best_l2) {
      best_l2 = w;
      r.level2 = classes_[best].level2[size_t(key.second)];
    }
  }
  for (const uint32_t id : seen)
    for (const auto& s : signals_[id])
      if (s.level1 == best) {
        r.evidence.push_back(index_.term(id));
        break;
      }
  return r;
}

}  // namespace yuqing::processors
