#include "processors/taggers/category.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/status.h"
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

CategoryTagger::CategoryTagger(YamlSection root, const std::filesystem::path& base, bool load_model) {
  std::string model;
  root.read("model", model);
  root.read("min_lift", min_lift_, 0, 20);
  root.read("rules_with_model", rules_with_model_, 0, 1);
  root.read("rule_only_scale", rule_only_scale_, 0, 1);
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
  root.finish();
  model_class_.assign(classes_.size(), -1);
  if (load_model && !base.empty() && !model.empty()) {
    const std::filesystem::path path = std::filesystem::path(model).is_absolute() ? std::filesystem::path(model) : base / model;
    if (!std::filesystem::exists(path))
      throw ConfigError(root.file() + ": model " + path.string() + " does not exist (run `yuqing train category`)");
    try {
      model_ = std::make_unique<NgramClassModel>(path);
    } catch (const std::exception& e) {
      throw ConfigError(root.file() + ": model " + path.string() + ": " + e.what());
    }
    for (size_t k = 0; k < model_->classes().size(); ++k) {
      const auto it = std::find_if(classes_.begin(), classes_.end(), [&](const Class& c) { return c.name == model_->classes()[k]; });
      if (it == classes_.end())
        throw ConfigError(root.file() + ": model " + path.string() + " knows class '" + model_->classes()[k] +
                          "', which is not a level-1 class here");
      model_class_[size_t(it - classes_.begin())] = int(k);
    }
  }
}

CategoryTagger::~CategoryTagger() = default;

std::vector<std::string> CategoryTagger::level1_names() const {
  std::vector<std::string> out;
  for (const auto& c : classes_) out.push_back(c.name);
  return out;
}

std::vector<std::string> CategoryTagger::level2_names() const {
  std::vector<std::string> out;
  for (const auto& c : classes_) out.insert(out.end(), c.level2.begin(), c.level2.end());
  return out;
}

CategoryResult CategoryTagger::tag(std::string_view text, const std::vector<Token>& tokens,
                                   const std::vector<uint64_t>* grams) const {
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
  // Each class's confidence: the rules' q = share · (1 − e^−W); for a class the model knows,
  // 1 − (1 − P)(1 − rules_with_model · q); for the others rule_only_scale · q.
  std::vector<double> confidence(classes_.size(), 0);
  for (size_t c = 0; c < classes_.size(); ++c)
    if (total > 0 && l1[c] > 0) confidence[c] = l1[c] / total * (1 - std::exp(-l1[c]));
  std::vector<double> p;
  std::vector<uint32_t> matched;
  double lift = 0;
  if (model_) {
    p = grams ? model_->probabilities(*grams, &matched, &lift) : model_->probabilities(text, &matched, &lift);
    for (size_t c = 0; c < classes_.size(); ++c)
      confidence[c] = model_class_[c] >= 0 ? 1 - (1 - p[size_t(model_class_[c])]) * (1 - rules_with_model_ * confidence[c])
                                           : rule_only_scale_ * confidence[c];
  }
  CategoryResult r;
  const auto best = size_t(std::max_element(confidence.begin(), confidence.end()) - confidence.begin());
  r.score = confidence[best];
  // Evidence of some class: a taxonomy term, or n-grams that lift a class's odds min_lift-fold in
  // log terms. Without either, no class — however the priors rank them.
  if (total <= 0 && (!model_ || lift < min_lift_)) return r;
  r.level1 = classes_[best].name;
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
  if (model_ && model_class_[best] >= 0) {
    const auto k = size_t(model_class_[best]);
    char buf[48];
    std::snprintf(buf, sizeof buf, "model:P=%.2f", p[k]);
    r.evidence.emplace_back(buf);
    for (auto& g : model_->evidence(matched, k)) r.evidence.push_back("model:" + g);
  }
  return r;
}

}  // namespace yuqing::processors
