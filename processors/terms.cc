#include "processors/terms.h"

namespace yuqing::processors {

uint32_t TermIndex::add(const std::string& term) {
  const auto [it, inserted] = ids_.emplace(term, uint32_t(terms_.size()));
  if (inserted) terms_.push_back(term);
  return it->second;
}

std::vector<TermHit> TermIndex::find(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<TermHit> hits;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::punct) continue;
    for (size_t j = i; j < tokens.size() && j < i + kMaxRun; ++j) {
      const size_t end = tokens[j].offset + tokens[j].text.size();
      const std::string_view run = text.substr(tokens[i].offset, end - tokens[i].offset);
      if (const auto it = ids_.find(run); it != ids_.end())
        hits.push_back(TermHit{it->second, tokens[i].offset, uint32_t(run.size())});
    }
  }
  return hits;
}

}  // namespace yuqing::processors
