#include "processors/taggers/sentiment.h"

#include <algorithm>
#include <string>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/status.h"
#include "processors/text/normalize.h"

namespace yuqing::processors {
namespace {

bool sentence_end(std::string_view t) { return t == "。" || t == "!" || t == "?" || t == ";" || t == "…"; }
bool clause_end(std::string_view t) { return sentence_end(t) || t == "," || t == "、" || t == ":" || t == "~"; }

std::string signed_term(double w, std::string_view term) { return std::string(w >= 0 ? "+" : "-").append(term); }

}  // namespace

SentimentTagger::SentimentTagger(YamlSection s, const std::filesystem::path& base, bool load_model) {
  auto weights = [&](const std::string& key, double sign) {
    std::map<std::string, std::string> raw;
    s.read(key, raw);
    for (const auto& [term, w] : raw) {
      double v = 0;
      try {
        v = std::stod(w);
      } catch (const std::exception&) {
        s.fail(key + "." + term, "weight must be a number, got '" + w + "'");
      }
      if (v < 0 || v > 3) s.fail(key + "." + term, "weight must be in [0, 3]");
      (sign == 0 ? degree_ : polarity_)[normalize_text(term)] = sign == 0 ? v : sign * v;
    }
  };
  weights("positive", 1);
  weights("negative", -1);
  weights("degree", 0);
  auto set = [&](const std::string& key, std::unordered_map<std::string, bool>& out) {
    std::vector<std::string> terms;
    s.read(key, terms);
    for (const auto& t : terms) out[normalize_text(t)] = true;
  };
  set("negators", negators_);
  set("contrast", contrast_);
  set("rhetorical", rhetorical_);
  set("sarcasm", sarcasm_);
  {
    YamlSection c = s.child("courtesy");
    c.read("openers", courtesy_openers_);
    c.read("objects", courtesy_objects_);
    c.finish();
    for (auto& t : courtesy_openers_) t = normalize_text(t);
    for (auto& t : courtesy_objects_) t = normalize_text(t);
  }
  {
    YamlSection o = s.child("official");
    std::vector<std::string> kinds;
    o.read("kinds", kinds);
    for (const auto& k : kinds) {
      const auto kind = doc_kind_from_string(k);
      if (!kind) o.fail("kinds", "'" + k + "' is not a document kind (article, comment, message, reply, post)");
      official_kinds_.push_back(*kind);
    }
    o.read("band", official_band_, 0, 1);
    o.read("opinion_weight", opinion_weight_, 0, 3);
    o.finish();
  }
  s.read("negation_window", negation_window_, 1, 8);
  s.read("model_weight", model_weight_, 0, 1);
  s.read("neutral_band", neutral_band_, 0, 1);
  s.read("neutral_band_without_cues", neutral_band_without_cues_, 0, 1);
  std::string model;
  s.read("model", model);
  s.finish();
  if (load_model && !model.empty()) {
    const std::filesystem::path path = std::filesystem::path(model).is_absolute() ? std::filesystem::path(model) : base / model;
    if (!std::filesystem::exists(path))
      throw ConfigError(s.file() + ": sentiment.model " + path.string() + " does not exist (run `yuqing train sentiment`)");
    try {
      model_ = std::make_unique<NgramSentimentModel>(path);
    } catch (const std::exception& e) {
      throw ConfigError(s.file() + ": sentiment.model " + path.string() + ": " + e.what());
    }
  }
}

SentimentTagger::~SentimentTagger() = default;

std::vector<std::string> SentimentTagger::terms() const {
  std::vector<std::string> out;
  for (const auto* m : {&negators_, &contrast_, &rhetorical_, &sarcasm_})
    for (const auto& [t, _] : *m) out.push_back(t);
  for (const auto& [t, _] : polarity_) out.push_back(t);
  for (const auto& [t, _] : degree_) out.push_back(t);
  return out;
}

std::vector<std::string> SentimentTagger::courtesy(std::string_view normalized, const std::vector<Token>& tokens,
                                                   std::vector<bool>& skip) const {
  std::vector<std::string> found;
  if (courtesy_openers_.empty()) return found;
  // Clause by clause: [begin, end) token ranges between clause ends.
  for (size_t begin = 0; begin < tokens.size();) {
    size_t end = begin;
    while (end < tokens.size() && !clause_end(tokens[end].text) && tokens[end].text != "\n") ++end;
    if (end > begin) {
      const size_t from = tokens[begin].offset;
      const size_t to = tokens[end - 1].offset + tokens[end - 1].text.size();
      const std::string_view clause = normalized.substr(from, to - from);
      const bool opens = std::any_of(courtesy_openers_.begin(), courtesy_openers_.end(),
                                     [&](const std::string& o) { return clause.rfind(o, 0) == 0; });
      const bool names = opens && std::any_of(courtesy_objects_.begin(), courtesy_objects_.end(), [&](const std::string& o) {
                           return clause.find(o) != std::string_view::npos;
                         });
      if (names) {
        for (size_t i = begin; i < end; ++i) skip[i] = true;
        found.emplace_back(clause);
      }
    }
    begin = end + 1;
  }
  return found;
}

double SentimentTagger::lexicon(const std::vector<Token>& tokens, const std::vector<bool>& skip, SentimentResult& r,
                                bool& opinion) const {
  opinion = false;
  std::vector<std::string>& evidence = r.evidence;
  double total = 0, sentence = 0;
  double after_turn = 1.0;  // weight of what follows a contrast word
  bool rhetorical = false, sarcasm = false;
  size_t clause_start = 0;
  auto close_sentence = [&](bool question) {
    if (rhetorical && question) {
      // 难道…吗？ / 凭什么…？ asks in order to criticise: whatever it praises, it is a complaint.
      sentence = -std::abs(sentence) - 0.5;
      evidence.push_back("-rhetorical question");
      r.rhetorical_question = true;
      opinion = true;
    }
    total += sentence;
    sentence = 0;
    rhetorical = false;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (skip[i]) continue;
    const std::string key(tokens[i].text);
    if (clause_end(key)) clause_start = i + 1;
    if (sentence_end(key)) {
      close_sentence(key == "?");
      continue;
    }
    if (contrast_.count(key)) {
      // The part before 但是 counts half, the part after it one and a half.
      total *= 0.5;
      sentence *= 0.5;
      after_turn = 1.5;
      evidence.push_back("turn:" + key);
      continue;
    }
    if (rhetorical_.count(key)) rhetorical = true;
    if (sarcasm_.count(key)) {
      sarcasm = true;
      opinion = true;
      evidence.push_back("sarcasm:" + key);
    }
    auto p = polarity_.find(key);
    int negations = 0;
    if (p == polarity_.end()) {
      // The lexicon may hold 不满意 as one word: read it as 不 + 满意.
      for (const char* n : {"不", "没", "未", "无"}) {
        if (key.rfind(n, 0) == 0 && key.size() > 3 && (p = polarity_.find(key.substr(3))) != polarity_.end()) {
          negations = 1;
          break;
        }
      }
      if (p == polarity_.end()) continue;
    }
    double w = p->second;
    if (std::abs(w) >= opinion_weight_) opinion = true;
    double degree = 1.0;
    for (size_t j = i; j > clause_start && i - j < size_t(negation_window_);) {
      const std::string prev(tokens[--j].text);
      if (negators_.count(prev)) ++negations;
      if (const auto d = degree_.find(prev); d != degree_.end()) degree *= d->second;
    }
    if (negations % 2) {
      w = -w * 0.8;  // 不满意 is negative, but 不差 is weaker praise than 好
      evidence.push_back(signed_term(w, p->first) + " (negated)");
    } else {
      evidence.push_back(signed_term(w, key));
    }
    sentence += w * degree * after_turn;
  }
  close_sentence(false);
  if (sarcasm) total = -std::abs(total) - 0.5;
  return total / (std::abs(total) + 1.0);
}

SentimentResult SentimentTagger::tag(std::string_view normalized, const std::vector<Token>& tokens, DocKind kind,
                                     const std::vector<uint64_t>* grams) const {
  SentimentResult r;
  std::vector<bool> skip(tokens.size(), false);
  const std::vector<std::string> formulas = courtesy(normalized, tokens, skip);
  bool opinion = false;
  r.lexicon_score = lexicon(tokens, skip, r, opinion);
  const bool has_cues = !r.evidence.empty();  // an opinion word, emoticon, turn, rhetorical question...
  for (const auto& f : formulas) r.evidence.push_back("courtesy:" + f);
  if (model_) {
    // The model reads the text without its courtesy clauses (each becomes a space).
    std::string masked;
    std::string_view text = normalized;
    if (!formulas.empty()) {
      size_t at = 0;
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (!skip[i]) continue;
        masked.append(normalized.substr(at, tokens[i].offset - at));
        if (masked.empty() || masked.back() != ' ') masked += ' ';
        at = tokens[i].offset + tokens[i].text.size();
      }
      masked.append(normalized.substr(at));
      text = masked;
    }
    std::vector<NgramSentimentModel::Contribution> strongest;
    const double p = grams && formulas.empty() ? model_->positive(*grams, &strongest) : model_->positive(text, &strongest);
    r.model_score = 2 * p - 1;
    r.score = model_weight_ * r.model_score + (1 - model_weight_) * r.lexicon_score;
    char buf[48];
    std::snprintf(buf, sizeof buf, "model:P(positive)=%.2f", p);
    r.evidence.emplace_back(buf);
    for (const auto& c : strongest) r.evidence.push_back("model:" + signed_term(c.weight, c.ngram));
  } else {
    r.score = r.lexicon_score;
  }
  r.score = std::clamp(r.score, -1.0, 1.0);
  // Without a single cue the text is most likely objective (news, notices): only a confident model
  // makes it polar — and official text (a reply, an article) is neutral unless it states an opinion.
  // The sign of the score is kept either way.
  const bool official = std::find(official_kinds_.begin(), official_kinds_.end(), kind) != official_kinds_.end();
  const double band = official ? (opinion ? official_band_ : 2.0) : has_cues ? neutral_band_ : neutral_band_without_cues_;
  r.label = r.score >= band ? "positive" : r.score <= -band ? "negative" : "neutral";
  return r;
}

}  // namespace yuqing::processors
