// Intent: complaint (投诉/反映), inquiry (咨询), suggestion (建议), praise (表扬) or news (the
// default: reports and articles). Cue terms per intent in configs/cues.yaml `intent` (and
// `not_cues`: set phrases such as 意见建议 whose cue word means nothing there); each intent
// scores the number of distinct cues found, a question (asks_question) adds to inquiry, and the
// highest score wins — ties go to the intent listed first (complaint before inquiry: a complaint
// phrased as a question is still a complaint).
//
// Contract: built once from the YAML, then immutable; tag() is const and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/yaml_reader.h"
#include "processors/text/terms.h"

namespace yuqing::processors {

// Whether `text` (normalised: NFKC has folded ？ to ?) asks a question. Not every '?' does: reposted
// Weibo text shows lost characters as '?' (朱?光, @????), and runs like "???" are exasperation as
// often as questions. A '?' or run counts when its clause holds a question word (吗, 什么, 是否 …);
// without one, only a single '?' that closes a clause counts, and only in a text that shows no lost
// characters (no '?' directly followed by a letter, digit or CJK character). A '?' inside an @mention
// never counts.
bool asks_question(std::string_view text);

class IntentTagger {
 public:
  explicit IntentTagger(YamlSection section);
  std::string tag(std::string_view text, const std::vector<Token>& tokens) const;
  const std::vector<std::string>& terms() const { return index_.terms(); }

 private:
  std::vector<std::string> intents_;  // priority order
  TermIndex index_;
  std::vector<std::vector<size_t>> cue_intents_;  // by term id
};

}  // namespace yuqing::processors
