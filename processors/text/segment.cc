#include "processors/text/segment.h"

#include <cmath>
#include <fstream>
#include <limits>

#include "core/status.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

constexpr size_t kMaxWordChars = 16;
constexpr double kWordCost = 1000;      // fewest words first
constexpr double kUserTermBonus = 400;  // a user term beats any equally short split
constexpr double kUnknownCost = 10;     // then fewest characters the lexicon does not know
// friso-dict's CJK lexicons make ~245k trie edges: room for them (and the user terms) from the
// start, so loading never rehashes (2^19 slots, 8 MB).
constexpr size_t kLexiconEdges = 300'000;

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// friso.ini is "key = value" lines with # comments.
std::string ini_value(const std::filesystem::path& ini, const std::string& key) {
  std::ifstream in(ini);
  if (!in) throw ConfigError(ini.string() + ": cannot read the friso configuration");
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq != std::string::npos && trim(line.substr(0, eq)) == key) return trim(line.substr(eq + 1));
  }
  throw ConfigError(ini.string() + ": " + key + " is not set");
}

// The lexicon files friso.lex.ini lists under `section` (e.g. __LEX_CJK_WORDS__).
std::vector<std::string> lexicon_files(const std::filesystem::path& lex_ini, const std::string& section) {
  std::ifstream in(lex_ini);
  if (!in) throw ConfigError(lex_ini.string() + ": cannot read friso's lexicon list");
  std::vector<std::string> files;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (!inside) {
      inside = line.rfind(section, 0) == 0;
      continue;
    }
    if (line[0] == ']') break;
    if (line.back() == ';') line.pop_back();
    files.push_back(trim(line));
  }
  if (files.empty()) throw ConfigError(lex_ini.string() + ": no lexicons listed under " + section);
  return files;
}

bool is_latin(char32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

}  // namespace

Segmenter::Segmenter(const std::vector<std::string>& words)
    : root_(kRootSpan, 0), kind_(1, 0), rarity_(kRootSpan, 1.0 / std::log(2.72)) {
  for (const auto& w : words) add(w, 1);
}

Segmenter::Segmenter(const std::filesystem::path& friso_ini)
    : root_(kRootSpan, 0), edges_(kLexiconEdges), kind_(1, 0), rarity_(kRootSpan, 1.0 / std::log(2.72)) {
  const std::filesystem::path dir = ini_value(friso_ini, "friso.lex_dir");
  for (const auto& file : lexicon_files(dir / "friso.lex.ini", "__LEX_CJK_WORDS__")) {
    std::ifstream in(dir / file);
    if (!in) throw ConfigError((dir / file).string() + ": cannot read lexicon (is friso-dict installed?)");
    const bool chars = file == "lex-chars.lex";
    // Lines are word/synonyms[/frequency]; only lex-chars.lex carries frequencies.
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      const auto slash = line.find('/');
      const std::string word = trim(line.substr(0, slash));
      if (word.empty()) continue;
      add(word, 1);
      if (chars && slash != std::string::npos) {
        const auto last = line.rfind('/');
        size_t pos = 0;
        const char32_t cp = utf8::next(word, pos);
        set_rarity(cp, uint32_t(std::strtoul(line.c_str() + last + 1, nullptr, 10)));
      }
    }
  }
}

void Segmenter::add_user_term(std::string_view term) { add(term, 2); }

void Segmenter::set_rarity(char32_t cp, uint32_t frequency) {
  if (cp < kRootSpan) rarity_[cp] = 1.0 / std::log(double(frequency) + 2.72);
}

void Segmenter::add(std::string_view word, uint8_t kind) {
  uint32_t node = 0;
  size_t chars = 0;
  for (size_t pos = 0; pos < word.size();) {
    const char32_t cp = utf8::next(word, pos);
    if (!utf8::is_cjk(cp) || cp >= kRootSpan || ++chars > kMaxWordChars) return;  // only CJK words segment CJK runs
    uint32_t& next = node == 0 ? root_[cp] : edges_[edge_key(node, cp)];
    if (next == 0) {
      next = uint32_t(kind_.size());
      kind_.push_back(0);
    }
    node = next;
  }
  if (node == 0) return;
  if (kind_[node] == 0) ++words_;
  kind_[node] = std::max(kind_[node], kind);
}

uint32_t Segmenter::child(uint32_t node, char32_t cp) const {
  if (cp >= kRootSpan) return 0;
  if (node == 0) return root_[cp];
  const uint32_t* next = edges_.find(edge_key(node, cp));
  return next ? *next : 0;
}

void Segmenter::segment_cjk(std::string_view text, size_t begin, size_t end, Work& work, std::vector<Token>& out) const {
  std::vector<uint32_t>& offsets = work.offsets;  // byte offset of each character, plus the end
  std::vector<char32_t>& cps = work.cps;
  offsets.clear();
  cps.clear();
  for (size_t pos = begin; pos < end;) {
    offsets.push_back(uint32_t(pos));
    cps.push_back(utf8::next(text, pos));
  }
  offsets.push_back(uint32_t(end));
  const size_t n = cps.size();
  std::vector<double>& cost = work.cost;
  std::vector<uint32_t>& next = work.next;
  std::vector<uint8_t>& kind = work.kind;
  cost.assign(n + 1, 0);
  next.assign(n + 1, 0);
  kind.assign(n + 1, 0);
  for (size_t i = n; i-- > 0;) {
    // One character alone: known characters are cheap, frequent ones cheaper.
    const uint32_t single = child(0, cps[i]);
    const double rarity = rarity_[cps[i] < kRootSpan ? cps[i] : 0];  // rarity_[0]: a character without frequency
    cost[i] = kWordCost + (single && kind_[single] ? 0 : kUnknownCost) + rarity + cost[i + 1];
    next[i] = uint32_t(i + 1);
    kind[i] = single ? kind_[single] : 0;
    uint32_t node = single;
    for (size_t j = i + 1; node && j < n && j - i < kMaxWordChars; ++j) {
      node = child(node, cps[j]);
      if (!node || !kind_[node]) continue;
      const double c = kWordCost - (kind_[node] == 2 ? kUserTermBonus : 0) + cost[j + 1];
      if (c < cost[i]) {
        cost[i] = c;
        next[i] = uint32_t(j + 1);
        kind[i] = kind_[node];
      }
    }
  }
  for (size_t i = 0; i < n; i = next[i]) {
    out.push_back(Token{text.substr(offsets[i], offsets[next[i]] - offsets[i]), offsets[i],
                        kind[i] == 2 ? TokenKind::user_term : TokenKind::word});
  }
}

std::vector<Token> Segmenter::segment(std::string_view text) const {
  std::vector<Token> out;
  out.reserve(text.size() / 4);
  Work work;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t cp = utf8::next(text, pos);
    if (utf8::is_cjk(cp)) {
      size_t end = pos;
      for (size_t p = pos; p < text.size();) {
        if (!utf8::is_cjk(utf8::next(text, p))) break;
        end = p;
      }
      segment_cjk(text, start, end, work, out);
      pos = end;
    } else if (is_latin(cp)) {
      // Letters and digits, with decimal points and percent signs inside numbers.
      while (pos < text.size()) {
        size_t p = pos;
        const char32_t c = utf8::next(text, p);
        if (!is_latin(c) && c != '%' && !(c == '.' && p < text.size() && is_latin(char32_t(text[p])))) break;
        pos = p;
      }
      out.push_back(Token{text.substr(start, pos - start), uint32_t(start), TokenKind::latin});
    } else if (cp == '[') {
      // Weibo emoticons: [怒], [赞], [二哈], [good] — up to 8 characters between brackets.
      const size_t close = text.find(']', pos);
      const bool emoticon = close != std::string_view::npos && close > pos &&
                            utf8::count(text.substr(pos, close - pos)) <= 8 &&
                            text.substr(pos, close - pos).find_first_of(" [") == std::string_view::npos;
      if (emoticon) pos = close + 1;
      out.push_back(Token{text.substr(start, pos - start), uint32_t(start), emoticon ? TokenKind::emoticon : TokenKind::punct});
    } else if (cp == ' ') {
      continue;
    } else {
      out.push_back(Token{text.substr(start, pos - start), uint32_t(start), utf8::is_emoji(cp) ? TokenKind::emoji : TokenKind::punct});
    }
  }
  return out;
}

}  // namespace yuqing::processors
