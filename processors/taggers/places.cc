#include "processors/taggers/places.h"

#include <algorithm>

#include "processors/text/normalize.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {

PlaceTagger::PlaceTagger(YamlSection root) {
  std::string district;
  std::vector<std::string> context;
  root.read("district", district);
  root.read("suffixes", suffixes_);
  root.read("context", context);
  root.read("window", window_, 1, 100);
  auto add = [&](const std::string& name, size_t town) {
    const std::string n = normalize_text(name);
    const uint32_t id = index_.add(n);
    if (names_.size() <= id) names_.resize(id + 1);
    names_[id].push_back(Name{town, utf8::count(n) < 3});
    // A short name with its suffix (泥沟村, 马兰屯路) is unambiguous: index it whole.
    if (utf8::count(n) < 3) {
      for (const auto& suffix : suffixes_) {
        const uint32_t sid = index_.add(n + suffix);
        if (names_.size() <= sid) names_.resize(sid + 1);
        names_[sid].push_back(Name{town, false});
      }
    }
  };
  YamlSection places = root.child("places");
  for (const auto& town : places.keys()) {
    YamlSection p = places.child(town);
    std::vector<std::string> aliases, gazetteer;
    p.read("aliases", aliases);
    p.read("gazetteer", gazetteer);
    p.finish();
    towns_.push_back(town);
    add(town, towns_.size() - 1);
    for (const auto& a : aliases) add(a, towns_.size() - 1);
    for (const auto& g : gazetteer) add(g, towns_.size() - 1);
  }
  places.finish();
  if (!district.empty()) context.push_back(district);
  for (const auto& c : context) {
    const uint32_t id = index_.add(normalize_text(c));
    if (names_.size() <= id) names_.resize(id + 1);
    context_.push_back(id);
  }
  root.finish();
}

std::vector<std::string> PlaceTagger::tag(std::string_view text, const std::vector<Token>& tokens) const {
  const auto hits = index_.find(text, tokens);
  const uint32_t window = uint32_t(window_) * 3;
  std::vector<std::string> out;
  for (const auto& h : hits) {
    for (const auto& n : names_[h.term]) {
      if (n.needs_context) {
        const bool vouched = std::any_of(hits.begin(), hits.end(), [&](const TermHit& c) {
          if (&c == &h || distance(h, c) > window) return false;
          if (std::find(context_.begin(), context_.end(), c.term) != context_.end()) return true;
          // Another place name nearby (泥沟镇…马兰) also vouches.
          return std::any_of(names_[c.term].begin(), names_[c.term].end(), [](const Name& o) { return !o.needs_context; });
        });
        if (!vouched) continue;
      }
      const std::string& town = towns_[n.town];
      if (std::find(out.begin(), out.end(), town) == out.end()) out.push_back(town);
    }
  }
  return out;
}

}  // namespace yuqing::processors
