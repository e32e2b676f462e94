#include "processors/taggers/category_model.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "core/gzip.h"

namespace yuqing::processors {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t pos = 0;;) {
    const size_t tab = line.find('\t', pos);
    out.push_back(line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos));
    if (tab == std::string_view::npos) return out;
    pos = tab + 1;
  }
}

}  // namespace

NgramClassModel::NgramClassModel(const std::filesystem::path& file) {
  const std::string text = read_model_text(file, "category model");
  size_t line_no = 0;
  auto bad = [&](const std::string& why) {
    return std::runtime_error(file.string() + ":" + std::to_string(line_no) + ": " + why);
  };
  auto numbers = [&](const std::vector<std::string_view>& fields, std::vector<double>& out) {
    if (fields.size() != classes_.size() + 1) throw bad("expected " + std::to_string(classes_.size()) + " weights");
    out.clear();
    for (size_t i = 1; i < fields.size(); ++i) {
      double w = 0;
      const char* last = fields[i].data() + fields[i].size();
      const auto [ptr, ec] = std::from_chars(fields[i].data(), last, w);
      if (ec != std::errc() || ptr != last || fields[i].empty()) throw bad("weight is not a number");
      out.push_back(w);
    }
  };
  index_.reserve(size_t(std::count(text.begin(), text.end(), '\n')) + 1);
  std::vector<double> row;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty() || (classes_.empty() && line.front() == '#')) continue;
    const auto fields = split_tabs(line);
    if (classes_.empty()) {
      if (fields[0] != "classes" || fields.size() < 2) throw bad("the first entry must be \"classes<TAB>name…\"");
      for (size_t i = 1; i < fields.size(); ++i) classes_.emplace_back(fields[i]);
      continue;
    }
    if (bias_.empty()) {
      if (fields[0] != "bias") throw bad("the second entry must be \"bias<TAB>b…\"");
      numbers(fields, bias_);
      continue;
    }
    numbers(fields, row);
    const uint64_t key = ngram_key(fields[0]);
    if (key == 0) throw bad("an n-gram holds 1 to 3 characters");
    index_[key] = uint32_t(keys_.size()) + 1;
    keys_.push_back(key);
    for (const double w : row) weights_.push_back(float(w));
  }
  if (classes_.empty() || bias_.empty()) throw std::runtime_error(file.string() + ": no \"classes\" and \"bias\" lines: not a yuqing category model");
}

std::vector<double> NgramClassModel::probabilities(std::string_view normalized, std::vector<uint32_t>* matched,
                                                   double* lift) const {
  return probabilities(char_ngrams(normalized), matched, lift);
}

std::vector<double> NgramClassModel::probabilities(const std::vector<uint64_t>& grams, std::vector<uint32_t>* matched,
                                                   double* lift) const {
  const size_t n = classes_.size();
  std::vector<double> logit = bias_;
  if (matched) matched->clear();
  index_.find_each(grams, [&](uint64_t, uint32_t row) {
    const float* w = &weights_[size_t(row - 1) * n];
    for (size_t c = 0; c < n; ++c) logit[c] += w[c];
    if (matched) matched->push_back(row - 1);
  });
  if (lift) {
    *lift = logit[0] - bias_[0];
    for (size_t c = 1; c < n; ++c) *lift = std::max(*lift, logit[c] - bias_[c]);
  }
  for (double& l : logit) l = 1.0 / (1.0 + std::exp(-l));
  return logit;
}

std::vector<std::string> NgramClassModel::evidence(const std::vector<uint32_t>& matched, size_t c, size_t k) const {
  std::vector<std::pair<float, uint64_t>> hits;
  for (const uint32_t row : matched)
    if (const float w = weights_[size_t(row) * classes_.size() + c]; w > 0) hits.emplace_back(w, keys_[row]);
  const size_t m = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + long(m), hits.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<std::string> out;
  for (size_t i = 0; i < m; ++i) out.push_back(ngram_text(hits[i].second));
  return out;
}

size_t train_ngram_class_model(const std::vector<NgramClassRow>& rows, const std::vector<std::string>& classes,
                               const NgramTrainOptions& options, const std::filesystem::path& output,
                               const std::string& comment, double balance) {
  if (classes.empty()) throw std::runtime_error("no classes");
  std::vector<NgramTrainRow> binary(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) binary[i].normalized = rows[i].normalized;
  std::vector<double> bias;
  std::map<std::string, std::vector<double>> table;  // n-gram text -> weight per class (sorted as the file)
  for (size_t c = 0; c < classes.size(); ++c) {
    size_t positives = 0;
    for (size_t i = 0; i < rows.size(); ++i) positives += (binary[i].label = rows[i].label == int(c));
    if (positives == 0) throw std::runtime_error("no training rows of class " + classes[c]);
    NgramTrainOptions o = options;
    if (balance > 0) o.positive_weight = std::pow(double(rows.size() - positives) / double(positives), balance);
    const NgramWeights w = train_ngram_weights(binary, o);
    spdlog::info("train: class {} ({} of {} rows): {} n-grams", classes[c], positives, rows.size(), w.weights.size());
    bias.push_back(w.bias);
    for (const auto& [key, weight] : w.weights) {
      auto& row = table[ngram_text(key)];
      row.resize(classes.size(), 0.0);
      row[c] = weight;
    }
  }
  std::string out;
  char buf[64];
  out += "# yuqing category: one-vs-rest NB-weighted logistic regression over character 1-3-grams (processors/category_model.h)\n";
  out += "# " + std::to_string(rows.size()) + " training rows, C=" + std::to_string(options.c) + ", n-grams in at least " +
         std::to_string(options.min_count) + " rows, |weight| >= " + std::to_string(options.min_weight) +
         ", class rows weighted (others/class)^" + std::to_string(balance) + "\n";
  if (!comment.empty()) out += "# " + comment + "\n";
  out += "classes";
  for (const auto& c : classes) out += "\t" + c;
  out += "\nbias";
  for (const double b : bias) {
    std::snprintf(buf, sizeof buf, "\t%.6g", b);
    out += buf;
  }
  out += "\n";
  for (const auto& [gram, weights] : table) {
    out += gram;
    for (const double w : weights) {
      if (w == 0) {
        out += "\t0";
      } else {
        std::snprintf(buf, sizeof buf, "\t%.5g", w);
        out += buf;
      }
    }
    out += "\n";
  }
  write_model_file(output, out);
  return table.size();
}

}  // namespace yuqing::processors
