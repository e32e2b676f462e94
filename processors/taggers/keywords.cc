#include "processors/taggers/keywords.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <unordered_map>

#include "core/status.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {

KeywordTagger::KeywordTagger(const std::filesystem::path& idf_file, std::vector<std::string> stopwords, int top)
    : top_(top) {
  std::ifstream in(idf_file, std::ios::binary);
  if (!in) throw ConfigError(idf_file.string() + ": cannot read the keyword background (run `yuqing train keywords`)");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Sized once for every line, at most half full: growing the table re-hashes every word.
  slots_.resize(std::bit_ceil(2 * size_t(std::count(file.begin(), file.end(), '\n') + 1)));
  pool_.reserve(file.size());
  max_idf_ = 0;
  for (size_t begin = 0, end; begin < file.size(); begin = end + 1) {
    end = std::min(file.find('\n', begin), file.size());
    const std::string_view line = std::string_view(file).substr(begin, end - begin);
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw ConfigError(idf_file.string() + ": bad line '" + std::string(line) + "'");
    const float idf = std::strtof(std::string(line.substr(tab + 1)).c_str(), nullptr);
    add_idf(line.substr(0, tab), idf);
    max_idf_ = std::max(max_idf_, idf);
  }
  for (auto& s : stopwords) stopwords_.insert(std::move(s));
}

void KeywordTagger::add_idf(std::string_view word, float idf) {
  if (word.empty() || find_idf(word)) return;  // an empty word is never a candidate
  if ((words_ + 1) * 2 > slots_.size()) {       // keep the load at most 1/2
    std::vector<Slot> grown(slots_.size() * 2);
    for (const Slot& s : slots_) {
      if (!s.length) continue;
      size_t i = Hash{}(std::string_view(pool_).substr(s.offset, s.length)) & (grown.size() - 1);
      while (grown[i].length) i = (i + 1) & (grown.size() - 1);
      grown[i] = s;
    }
    slots_.swap(grown);
  }
  const size_t h = Hash{}(word);
  size_t i = h & (slots_.size() - 1);
  while (slots_[i].length) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = Slot{uint32_t(h), uint32_t(pool_.size()), uint32_t(word.size()), idf};
  pool_ += word;
  ++words_;
}

const KeywordTagger::Slot* KeywordTagger::find_idf(std::string_view word) const {
  const size_t h = Hash{}(word);
  for (size_t i = h & (slots_.size() - 1); slots_[i].length; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& s = slots_[i];
    if (s.hash == uint32_t(h) && std::string_view(pool_).substr(s.offset, s.length) == word) return &s;
  }
  return nullptr;
}

std::vector<std::string> KeywordTagger::tag(const std::vector<Token>& tokens) const {
  std::unordered_map<std::string_view, float> score;
  for (const auto& t : tokens) {
    if (t.kind != TokenKind::user_term && (t.kind != TokenKind::word || utf8::count(t.text) < 2)) continue;
    if (stopwords_.count(t.text)) continue;
    const Slot* s = find_idf(t.text);
    score[t.text] += s ? s->idf : max_idf_;
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
