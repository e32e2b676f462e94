#include "processors/text/terms.h"

#include <algorithm>

#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

size_t first_char(std::string_view s) {
  size_t pos = 0;
  return utf8::next(s, pos) & 0xFFFF;
}

}  // namespace

uint32_t TermIndex::add(const std::string& term) {
  const auto [it, inserted] = ids_.emplace(term, uint32_t(terms_.size()));
  if (inserted) {
    terms_.push_back(term);
    if (!term.empty()) starts_[first_char(term)] = true;
    hashes_[Hash{}(term) & 0xFFFF] = true;
    longest_ = std::max(longest_, term.size());
  }
  return it->second;
}

std::vector<TermHit> TermIndex::find(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<TermHit> hits;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::punct) continue;
    if (!starts_[first_char(tokens[i].text)]) continue;  // every run starting here begins with this character
    for (size_t j = i; j < tokens.size() && j < i + kMaxRun; ++j) {
      const size_t end = tokens[j].offset + tokens[j].text.size();
      if (end - tokens[i].offset > longest_) break;
      const std::string_view run = text.substr(tokens[i].offset, end - tokens[i].offset);
      if (!hashes_[Hash{}(run) & 0xFFFF]) continue;
      if (const auto it = ids_.find(run); it != ids_.end())
        hits.push_back(TermHit{it->second, tokens[i].offset, uint32_t(run.size())});
    }
  }
  return hits;
}

}  // namespace yuqing::processors
