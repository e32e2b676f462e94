#include "processors/taggers/ngram_train.h"

#include <linear.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/gzip.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {

NgramWeights train_ngram_weights(const std::vector<NgramTrainRow>& rows, const NgramTrainOptions& o) {
  if (rows.empty()) throw std::runtime_error("no training rows");
  // 1. Every row's n-grams, and in how many positive / negative rows each n-gram occurs.
  std::vector<std::vector<uint64_t>> grams(rows.size());
  std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> counts;  // n-gram -> (positive, negative) rows
  for (size_t i = 0; i < rows.size(); ++i) {
    grams[i] = char_ngrams(rows[i].normalized);
    for (const uint64_t g : grams[i]) (rows[i].label ? counts[g].first : counts[g].second) += 1;
  }
  // 2. Keep the n-grams seen often enough; index them in key order (so a row's indices ascend, as
  //    liblinear wants) and weigh each by its NB log-count ratio r = log((p/|p|) / (q/|q|)), p and q
  //    the add-one-smoothed positive and negative row counts.
  std::vector<uint64_t> kept;
  double p_total = 0, q_total = 0;
  for (const auto& [g, c] : counts) {
    if (c.first + c.second < uint32_t(o.min_count)) continue;
    kept.push_back(g);
    p_total += c.first + 1.0;
    q_total += c.second + 1.0;
  }
  std::sort(kept.begin(), kept.end());
  std::vector<double> ratio(kept.size());
  for (size_t j = 0; j < kept.size(); ++j) {
    const auto& c = counts.at(kept[j]);
    ratio[j] = std::log(((c.first + 1.0) / p_total) / ((c.second + 1.0) / q_total));
  }
  counts = {};

  // 3. liblinear's problem: x_ij = r_j for every kept n-gram of row i, plus the bias feature.
  const int n_features = int(kept.size());
  std::vector<feature_node> nodes;
  std::vector<size_t> starts;
  std::vector<double> y;
  for (size_t i = 0; i < rows.size(); ++i) {
    starts.push_back(nodes.size());
    for (const uint64_t g : grams[i]) {
      const auto it = std::lower_bound(kept.begin(), kept.end(), g);
      if (it != kept.end() && *it == g) {
        const auto j = size_t(it - kept.begin());
        nodes.push_back({int(j) + 1, ratio[j]});
      }
    }
    nodes.push_back({n_features + 1, 1.0});  // bias
    nodes.push_back({-1, 0});
    y.push_back(rows[i].label ? 1 : -1);
    std::vector<uint64_t>().swap(grams[i]);
  }
  std::vector<feature_node*> x;
  for (const size_t s : starts) x.push_back(&nodes[s]);
  problem prob{};
  prob.l = int(rows.size());
  prob.n = n_features + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1;
  parameter param{};
  param.solver_type = L2R_LR;
  param.C = o.c;
  param.eps = o.epsilon;
  int weight_label[1] = {1};
  double weight[1] = {o.positive_weight};
  if (o.positive_weight != 1) {
    param.nr_weight = 1;
    param.weight_label = weight_label;
    param.weight = weight;
  }
  if (const char* err = check_parameter(&prob, &param)) throw std::runtime_error(std::string("liblinear: ") + err);
  set_print_string_function([](const char* s) { spdlog::debug("liblinear: {}", std::string_view(s)); });
  model* m = train(&prob, &param);
  int labels[2] = {0, 0};
  get_labels(m, labels);
  const double sign = labels[0] == 1 ? 1.0 : -1.0;  // liblinear's weights score its first label
  NgramWeights out;
  out.bias = sign * get_decfun_bias(m, 0);
  for (int j = 0; j < n_features; ++j) {
    const double w = sign * get_decfun_coef(m, j + 1, 0) * ratio[size_t(j)];
    if (std::abs(w) >= std::max(o.min_weight, 1e-6)) out.weights.emplace_back(kept[size_t(j)], w);
  }
  free_and_destroy_model(&m);
  return out;
}

uint64_t ngram_key(std::string_view gram) {
  constexpr int kBits = 21;  // as char_ngrams packs: a code point in 21 bits, the first lowest
  uint64_t key = 0;
  size_t n = 0;
  for (size_t p = 0; p < gram.size(); ++n) {
    if (n == 3) return 0;
    key |= (uint64_t(utf8::next(gram, p)) & ((uint64_t{1} << kBits) - 1)) << (kBits * n);
  }
  return n == 0 ? 0 : key;
}

void write_model_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
  std::ofstream file(path, std::ios::binary);
  file << gzip(text, 9);
  if (!file.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string read_model_text(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + what + " " + file.string());
  std::ostringstream raw;
  raw << in.rdbuf();
  std::string data = std::move(raw).str();
  if (!is_gzip(data)) return data;
  auto text = gunzip(data, size_t{1} << 30);
  if (!text) throw std::runtime_error(file.string() + ": corrupt gzip data");
  return std::move(*text);
}

}  // namespace yuqing::processors
