#include "processors/taggers/issues.h"

#include <algorithm>
#include <map>

#include "processors/text/normalize.h"

namespace yuqing::processors {

IssueTagger::IssueTagger(YamlSection root, const std::vector<std::string>& level2_classes) {
  root.read("threshold", threshold_, 0.01, 100);
  root.read("window", window_, 1, 200);
  for (auto& s : root.children("issues")) {
    Rule rule;
    std::string item;
    std::vector<std::string> lead, departments, exclude;
    std::map<std::string, std::string> terms;
    s.read("name", rule.name);
    s.read("item", item);
    s.read("lead", lead);
    s.read("departments", departments);
    s.read("exclude", exclude);
    s.read("terms", terms);
    s.read("level2", rule.level2);
    for (const auto& l2 : rule.level2)
      if (!level2_classes.empty() && std::find(level2_classes.begin(), level2_classes.end(), l2) == level2_classes.end())
        s.fail("level2", "'" + l2 + "' is not a level-2 class of taxonomy.yaml");
    if (rule.name.empty()) s.fail("name", "every issue needs a name");
    if (terms.empty()) s.fail("terms", "issue '" + rule.name + "' has no terms");
    rule.departments = lead;
    for (const auto& d : departments)
      if (std::find(lead.begin(), lead.end(), d) == lead.end()) rule.departments.push_back(d);
    for (const auto& [term, w] : terms) {
      try {
        rule.terms.emplace_back(index_.add(normalize_text(term)), std::stod(w));
      } catch (const std::invalid_argument&) {
        s.fail("terms." + term, "weight must be a number, got '" + w + "'");
      }
    }
    for (const auto& x : exclude) rule.exclude.push_back(index_.add(normalize_text(x)));
    YamlSection context = s.child("context");
    for (const auto& term : context.keys()) {
      std::vector<std::string> near;
      context.read(term, near);
      const uint32_t id = index_.add(normalize_text(term));
      if (std::none_of(rule.terms.begin(), rule.terms.end(), [&](const auto& t) { return t.first == id; }))
        context.fail(term, "context is given for a term the issue does not list");
      std::vector<uint32_t> ids;
      for (const auto& n : near) ids.push_back(index_.add(normalize_text(n)));
      rule.context.emplace_back(id, std::move(ids));
    }
    context.finish();
    s.accept("sectors");  // alert routing by trade (alerts/config.h)
    s.finish();
    rules_.push_back(std::move(rule));
  }
  root.finish();
}

std::vector<IssueTag> IssueTagger::tag(std::string_view text, const std::vector<Token>& tokens,
                                       const std::vector<std::string>& places) const {
  const auto hits = index_.find(text, tokens);
  std::vector<std::vector<const TermHit*>> by_term(index_.terms().size());
  for (const auto& h : hits) by_term[h.term].push_back(&h);
  // Window in bytes: CJK characters are three bytes in UTF-8.
  const uint32_t window = uint32_t(window_) * 3;

  std::vector<IssueTag> out;
  for (const auto& rule : rules_) {
    if (std::any_of(rule.exclude.begin(), rule.exclude.end(), [&](uint32_t x) { return !by_term[x].empty(); })) continue;
    IssueTag tag{rule.name, {}, 0, {}};
    for (const auto& [term, weight] : rule.terms) {
      if (by_term[term].empty()) continue;
      const auto ctx = std::find_if(rule.context.begin(), rule.context.end(), [&](const auto& c) { return c.first == term; });
      if (ctx != rule.context.end()) {
        const bool near = std::any_of(by_term[term].begin(), by_term[term].end(), [&](const TermHit* h) {
          return std::any_of(ctx->second.begin(), ctx->second.end(), [&](uint32_t n) {
            return std::any_of(by_term[n].begin(), by_term[n].end(), [&](const TermHit* m) { return distance(*h, *m) <= window; });
          });
        });
        if (!near) continue;
      }
      tag.score += weight;
      tag.evidence.push_back(index_.term(term));
    }
    if (tag.score < threshold_) continue;
    tag.departments = departments(rule, places);
    out.push_back(std::move(tag));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  return out;
}

std::vector<IssueTag> IssueTagger::from_category(const std::string& level2, const std::vector<std::string>& places) const {
  std::vector<IssueTag> out;
  if (level2.empty()) return out;
  for (const auto& rule : rules_)
    if (std::find(rule.level2.begin(), rule.level2.end(), level2) != rule.level2.end())
      out.push_back(IssueTag{rule.name, departments(rule, places), threshold_, {"category:" + level2}});
  return out;
}

std::vector<std::string> IssueTagger::departments(const Rule& rule, const std::vector<std::string>& places) {
  std::vector<std::string> out;
  for (const auto& d : rule.departments) {
    if (d == "各镇〈街〉" && !places.empty()) {
      out.insert(out.end(), places.begin(), places.end());
    } else {
      out.push_back(d);
    }
  }
  return out;
}

}  // namespace yuqing::processors
