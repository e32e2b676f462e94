#include "processors/taggers/sentiment_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "core/gzip.h"
#include "processors/taggers/ngram_train.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

constexpr int kMaxN = 3;
constexpr int kBits = 21;  // a Unicode code point fits in 21 bits
constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;

bool is_space(char32_t c) { return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x3000; }

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    char32_t c = utf8::next(text, pos);
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    out.push_back(c);
  }
  return out;
}

uint64_t pack(const char32_t* cps, size_t n) {
  uint64_t key = 0;
  for (size_t i = 0; i < n; ++i) key |= (uint64_t(cps[i]) & kMask) << (kBits * i);
  return key;
}

}  // namespace

std::vector<uint64_t> char_ngrams(std::string_view normalized) {
  const std::vector<char32_t> cps = code_points(normalized);
  std::vector<uint64_t> keys;
  keys.reserve(cps.size() * kMaxN);
  for (size_t i = 0; i < cps.size(); ++i)
    for (size_t n = 1; n <= size_t(kMaxN) && i + n <= cps.size(); ++n) keys.push_back(pack(&cps[i], n));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string ngram_text(uint64_t key) {
  std::string out;
  for (; key; key >>= kBits) utf8::append(out, char32_t(key & kMask));
  return out;
}

NgramSentimentModel::NgramSentimentModel(const std::filesystem::path& file) {
  const std::string text = read_model_text(file, "sentiment model");
  weights_.reserve(size_t(std::count(text.begin(), text.end(), '\n')) + 1);  // a line an n-gram
  bool has_bias = false;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    // Comments only before the bias line: after it, '#' starts many an n-gram (#话题#).
    if (line.empty() || (!has_bias && line.front() == '#')) continue;
    const size_t tab = line.rfind('\t');
    auto bad = [&](const std::string& why) {
      return std::runtime_error(file.string() + ":" + std::to_string(line_no) + ": " + why);
    };
    if (tab == std::string::npos || tab == 0) throw bad("expected \"n-gram<TAB>weight\"");
    double w = 0;
    const char* last = line.data() + line.size();
    const auto [ptr, ec] = std::from_chars(line.data() + tab + 1, last, w);
    if (ec != std::errc() || ptr != last || tab + 1 == line.size()) throw bad("weight is not a number");
    const std::string_view gram = line.substr(0, tab);
    if (!has_bias) {
      if (gram != "bias") throw bad("the first entry must be \"bias<TAB>weight\"");
      bias_ = w;
      has_bias = true;
      continue;
    }
    const uint64_t key = ngram_key(gram);
    if (key == 0) throw bad("an n-gram holds 1 to 3 characters");
    weights_[key] = float(w);
  }
  if (!has_bias) throw std::runtime_error(file.string() + ": no \"bias\" line: not a yuqing sentiment model");
}

double NgramSentimentModel::positive(std::string_view normalized, std::vector<Contribution>* strongest,
                                     size_t k) const {
  return positive(char_ngrams(normalized), strongest, k);
}

double NgramSentimentModel::positive(const std::vector<uint64_t>& grams, std::vector<Contribution>* strongest,
                                     size_t k) const {
  double logit = bias_;
  // The k strongest so far, strongest first (largest |weight|, then smallest key: the keys are
  // distinct, so the order is total). Kept while scanning: most texts match a hundred n-grams or
  // more, and collecting them all to sort was a tenth of the model's time.
  std::vector<std::pair<float, uint64_t>> top;
  if (strongest) top.reserve(k + 1);
  const auto stronger = [](const std::pair<float, uint64_t>& a, const std::pair<float, uint64_t>& b) {
    return std::abs(a.first) != std::abs(b.first) ? std::abs(a.first) > std::abs(b.first) : a.second < b.second;
  };
  weights_.find_each(grams, [&](uint64_t key, float w) {
    logit += w;
    if (!strongest || k == 0) return;
    const std::pair<float, uint64_t> hit{w, key};
    if (top.size() == k && !stronger(hit, top.back())) return;
    top.insert(std::upper_bound(top.begin(), top.end(), hit, stronger), hit);
    if (top.size() > k) top.pop_back();
  });
  if (strongest) {
    strongest->clear();
    for (const auto& [w, key] : top) strongest->push_back({ngram_text(key), w});
  }
  return 1.0 / (1.0 + std::exp(-logit));
}

size_t train_ngram_model(const std::vector<NgramTrainRow>& rows, const NgramTrainOptions& o,
                         const std::filesystem::path& output) {
  // 1–3. The NB-weighted logistic regression itself (processors/taggers/ngram_train.h).
  const NgramWeights trained = train_ngram_weights(rows, o);
  const double bias = trained.bias;
  std::vector<std::pair<std::string, double>> weights;
  for (const auto& [key, w] : trained.weights) weights.emplace_back(ngram_text(key), w);
  std::sort(weights.begin(), weights.end());

  // 4. The model file (see the header for its format).
  std::string out;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", bias);
  out += "# yuqing sentiment: NB-weighted logistic regression over character 1-3-grams (processors/sentiment_model.h)\n";
  out += "# " + std::to_string(rows.size()) + " training rows, C=" + std::to_string(o.c) +
         ", n-grams in at least " + std::to_string(o.min_count) + " rows, |weight| >= " + std::to_string(o.min_weight) + "\n";
  out += std::string("bias\t") + buf + "\n";
  for (const auto& [g, w] : weights) {
    std::snprintf(buf, sizeof buf, "%.6g", w);
    out += g + '\t' + buf + '\n';
  }
  write_model_file(output, out);
  return weights.size();
}

}  // namespace yuqing::processors
