#include "processors/intent.h"

#include <set>

#include "processors/normalize.h"

namespace yuqing::processors {

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
  s.finish();
}

std::string IntentTagger::tag(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<double> score(intents_.size(), 0);
  std::set<uint32_t> seen;
  for (const auto& h : index_.find(text, tokens))
    if (seen.insert(h.term).second)
      for (size_t i : cue_intents_[h.term]) score[i] += 1;
  for (const auto& t : tokens)
    if (t.text == "?") {
      score[1] += 0.5;  // a question leans to inquiry, but a cue word outweighs it
      break;
    }
  size_t best = 0;
  for (size_t i = 1; i < score.size(); ++i)
    if (score[i] > score[best]) best = i;
  return score[best] > 0 ? intents_[best] : "news";
}

}  // namespace yuqing::processors
