#include "processors/keywords.h"

#include <algorithm>
#include <fstream>

#include "core/status.h"
#include "processors/utf8.h"

namespace yuqing::processors {

KeywordTagger::KeywordTagger(const std::filesystem::path& idf_file, std::vector<std::string> stopwords, int top)
    : top_(top) {
  std::ifstream in(idf_file);
  if (!in) throw ConfigError(idf_file.string() + ": cannot read the keyword background (run `yuqing train keywords`)");
  max_idf_ = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw ConfigError(idf_file.string() + ": bad line '" + line + "'");
    const float idf = std::strtof(line.c_str() + tab + 1, nullptr);
    idf_.emplace(line.substr(0, tab), idf);
    max_idf_ = std::max(max_idf_, idf);
  }
  for (auto& s : stopwords) stopwords_.insert(std::move(s));
}

std::vector<std::string> KeywordTagger::tag(const std::vector<Token>& tokens) const {
  std::unordered_map<std::string_view, float> score;
  for (const auto& t : tokens) {
    if (t.kind != TokenKind::user_term && (t.kind != TokenKind::word || utf8::count(t.text) < 2)) continue;
    if (stopwords_.count(t.text)) continue;
    const auto it = idf_.find(t.text);
    score[t.text] += it == idf_.end() ? max_idf_ : it->second;
  }
  std::vector<std::pair<float, std::string_view>> ranked;
  for (const auto& [w, s] : score) ranked.emplace_back(s, w);
  const size_t n = std::min(ranked.size(), size_t(top_));
  std::partial_sort(ranked.begin(), ranked.begin() + long(n), ranked.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.emplace_back(ranked[i].second);
  return out;
}

}  // namespace yuqing::processors
