#include "processors/taggers/intent.h"

#include <set>

#include "processors/text/normalize.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

// Words that make a clause a question whatever its punctuation (么 covers 什么, 怎么 and 为什么; 怎 covers 怎样).
constexpr std::string_view kQuestionWords[] = {"吗", "呢", "么", "嘛", "谁", "哪", "几", "咋", "怎", "多少", "如何", "为何",
                                               "是否", "能否", "可否", "是不是", "有没有", "能不能", "会不会",
                                               "要不要", "可不可以", "对不对", "行不行"};

bool is_question_mark(char32_t c) { return c == U'?' || c == U'\uFF1F'; }

bool is_word_char(char32_t c) {
  return utf8::is_cjk(c) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ends_clause(char32_t c) {
  switch (c) {
    case '.': case '!': case ',': case ';': case ':': case ' ': case '\n': case '~': case '/':
    case U'\u3002': case U'\u3001': case U'\uFF01': case U'\uFF0C': case U'\uFF1B': case U'\uFF1A':
      return true;
    default:
      return is_question_mark(c);
  }
}

// An @mention runs from '@' over name characters; lost characters in names show as '?'.
bool in_mention(const std::vector<char32_t>& cps, size_t pos) {
  while (pos > 0) {
    const char32_t c = cps[--pos];
    if (c == '@') return true;
    if (!is_word_char(c) && !is_question_mark(c) && c != '_' && c != '-') return false;
  }
  return false;
}

}  // namespace

bool asks_question(std::string_view text) {
  if (text.find('?') == std::string_view::npos && text.find("\uFF1F") == std::string_view::npos) return false;
  std::vector<char32_t> cps;
  std::vector<size_t> offsets;
  for (size_t pos = 0; pos < text.size();) {
    offsets.push_back(pos);
    cps.push_back(utf8::next(text, pos));
  }
  offsets.push_back(text.size());
  struct Run {
    size_t begin, end;  // code point indexes
  };
  std::vector<Run> runs;
  bool lost_characters = false;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (!is_question_mark(cps[i])) continue;
    size_t j = i;
    while (j < cps.size() && is_question_mark(cps[j])) ++j;
    runs.push_back(Run{i, j});
    if (j < cps.size() && is_word_char(cps[j])) lost_characters = true;  // 朱?光, ??朱: a '?' inside a word
    i = j;
  }
  for (const Run& run : runs) {
    if (in_mention(cps, run.begin)) continue;
    size_t begin = run.begin;
    while (begin > 0 && !ends_clause(cps[begin - 1])) --begin;
    if (begin == run.begin) continue;  // nothing is asked
    const std::string_view clause = text.substr(offsets[begin], offsets[run.begin] - offsets[begin]);
    for (const auto w : kQuestionWords)
      if (clause.find(w) != std::string_view::npos) return true;
    if (!lost_characters && run.end - run.begin == 1) return true;
  }
  return false;
}

IntentTagger::IntentTagger(YamlSection s) {
  intents_ = {"complaint", "inquiry", "suggestion", "praise"};
  for (size_t i = 0; i < intents_.size(); ++i) {
    std::vector<std::string> cues;
    s.read(intents_[i], cues);
    if (cues.empty()) s.fail(intents_[i], "no cues");
    for (const auto& c : cues) {
      const uint32_t id = index_.add(normalize_text(c));
      if (cue_intents_.size() <= id) cue_intents_.resize(id + 1);
      cue_intents_[id].push_back(i);
    }
  }
  // Set phrases that hold a cue but signal nothing: as terms of their own they stay one token, so
  // the cue inside them does not match.
  std::vector<std::string> phrases;
  s.read("not_cues", phrases);
  for (const auto& p : phrases) {
    const uint32_t id = index_.add(normalize_text(p));
    if (cue_intents_.size() <= id) cue_intents_.resize(id + 1);
  }
  s.finish();
}

std::string IntentTagger::tag(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<double> score(intents_.size(), 0);
  std::set<uint32_t> seen;
  for (const auto& h : index_.find(text, tokens))
    if (seen.insert(h.term).second)
      for (size_t i : cue_intents_[h.term]) score[i] += 1;
  if (asks_question(text)) score[1] += 0.5;  // a question leans to inquiry, but a cue word outweighs it
  size_t best = 0;
  for (size_t i = 1; i < score.size(); ++i)
    if (score[i] > score[best]) best = i;
  return score[best] > 0 ? intents_[best] : "news";
}

}  // namespace yuqing::processors
