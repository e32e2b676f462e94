#include "processors/analyzer.h"

#include <algorithm>
#include <cmath>

#include "core/hash.h"
#include "core/yaml_reader.h"
#include "processors/normalize.h"

namespace yuqing::processors {
namespace {

std::vector<std::pair<std::string, double>> weighted_terms(YamlSection& s, const std::string& key) {
  std::map<std::string, std::string> raw;
  s.read(key, raw);
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [term, weight] : raw) {
    try {
      out.emplace_back(normalize_text(term), std::stod(weight));
    } catch (const std::exception&) {
      s.fail(key + "." + term, "weight must be a number, got '" + weight + "'");
    }
  }
  return out;
}

size_t count_chars(std::string_view utf8) {
  return size_t(std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool contains(const std::string& text, const std::string& term) { return text.find(term) != std::string::npos; }

// True when a negator ends within the few characters before `pos` (e.g. 不满意 is not praise).
bool negated(const std::string& text, size_t pos, const std::vector<std::string>& negators) {
  const size_t window_start = pos >= 9 ? pos - 9 : 0;  // three CJK characters
  const std::string before = text.substr(window_start, pos - window_start);
  return std::any_of(negators.begin(), negators.end(), [&](const std::string& n) {
    const auto at = before.rfind(n);
    return at != std::string::npos && at + n.size() == before.size();
  });
}

}  // namespace

Rules load_rules(const std::filesystem::path& dir) {
  Rules r;
  {
    const std::string file = (dir / "issues.yaml").string();
    YamlSection root(load_yaml_file(file), file);
    root.read("threshold", r.issue_threshold, 0.01, 100);
    for (auto& s : root.children("issues")) {
      IssueRule rule;
      std::string item;
      s.read("name", rule.name);
      s.read("item", item);
      s.read("lead", rule.lead);
      s.read("departments", rule.departments);
      s.read("exclude", rule.exclude);
      rule.terms = weighted_terms(s, "terms");
      if (rule.name.empty()) s.fail("name", "every issue needs a name");
      if (rule.terms.empty()) s.fail("terms", "issue '" + rule.name + "' has no terms");
      s.finish();
      r.issues.push_back(std::move(rule));
    }
    root.finish();
  }
  {
    const std::string file = (dir / "places.yaml").string();
    YamlSection root(load_yaml_file(file), file);
    std::string district;
    root.read("district", district);
    YamlSection places = root.child("places");
    for (const auto& name : places.keys()) {
      YamlSection p = places.child(name);
      PlaceRule rule{name, {}};
      p.read("aliases", rule.aliases);
      p.finish();
      r.places.push_back(std::move(rule));
    }
    places.finish();
    root.finish();
  }
  {
    const std::string file = (dir / "cues.yaml").string();
    YamlSection root(load_yaml_file(file), file);
    YamlSection sentiment = root.child("sentiment");
    r.positive = weighted_terms(sentiment, "positive");
    r.negative = weighted_terms(sentiment, "negative");
    sentiment.read("negators", r.negators);
    sentiment.finish();
    YamlSection intent = root.child("intent");
    for (const char* name : {"complaint", "inquiry", "suggestion", "praise"}) {
      std::vector<std::string> cues;
      intent.read(name, cues);
      for (auto& c : cues) c = normalize_text(c);
      r.intents.emplace_back(name, std::move(cues));
    }
    intent.finish();
    root.finish();
  }
  return r;
}

Tags Analyzer::analyze(const Document& doc) const {
  Tags t;
  const std::string text = normalize_text(doc.title.empty() ? doc.text : doc.title + "\n" + doc.text);
  t.content_hash = fingerprint(normalize_text(doc.text));

  for (const auto& rule : rules_.issues) {
    if (std::any_of(rule.exclude.begin(), rule.exclude.end(), [&](const auto& x) { return contains(text, x); })) continue;
    IssueTag tag{rule.name, rule.lead.empty() ? rule.departments : rule.lead, 0, {}};
    for (const auto& [term, weight] : rule.terms) {
      if (contains(text, term)) {
        tag.score += weight;
        tag.evidence.push_back(term);
      }
    }
    if (tag.score >= rules_.issue_threshold) t.issues.push_back(std::move(tag));
  }
  std::sort(t.issues.begin(), t.issues.end(), [](const auto& a, const auto& b) { return a.score > b.score; });

  for (const auto& place : rules_.places) {
    bool found = contains(text, place.name);
    for (const auto& alias : place.aliases) {
      if (found) break;
      if (count_chars(alias) >= 3) {
        found = contains(text, alias);
        continue;
      }
      for (const char* suffix : {"镇", "村", "社区", "街", "路"}) found = found || contains(text, alias + suffix);
    }
    if (found) t.places.push_back(place.name);
  }

  double positive = 0, negative = 0;
  auto score_cues = [&](const auto& cues, double& same, double& opposite, const char* sign) {
    for (const auto& [term, weight] : cues) {
      for (size_t pos = text.find(term); pos != std::string::npos; pos = text.find(term, pos + term.size())) {
        const bool flip = negated(text, pos, rules_.negators);
        (flip ? opposite : same) += weight;
        // Evidence reads "+满意", "-投诉", or "-满意 (negated)" for 不满意.
        t.sentiment_evidence.push_back((flip ? std::string(sign[0] == '+' ? "-" : "+") + term + " (negated)"
                                             : std::string(sign) + term));
      }
    }
  };
  score_cues(rules_.positive, positive, negative, "+");
  score_cues(rules_.negative, negative, positive, "-");
  t.sentiment_score = std::clamp((positive - negative) / (positive + negative + 1.0), -1.0, 1.0);
  t.sentiment_label = t.sentiment_score > 0.15 ? "positive" : t.sentiment_score < -0.15 ? "negative" : "neutral";

  t.intent = "news";
  for (const auto& [intent, cues] : rules_.intents) {
    if (std::any_of(cues.begin(), cues.end(), [&](const auto& c) { return contains(text, c); })) {
      t.intent = intent;
      break;
    }
  }
  return t;
}

}  // namespace yuqing::processors
