#include "processors/training/train.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <istream>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "processors/taggers/category_model.h"
#include "processors/taggers/sentiment_model.h"
#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::ifstream open(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return in;
}

// "a,b,rest": the first two fields and the rest of the line (texts contain commas).
bool split3(const std::string& line, std::string& a, std::string& b, std::string& rest) {
  const auto c1 = line.find(',');
  const auto c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
  if (c2 == std::string::npos) return false;
  a = line.substr(0, c1);
  b = line.substr(c1 + 1, c2 - c1 - 1);
  rest = line.substr(c2 + 1);
  return true;
}

// Texts compared for leakage between the training pool and the held-out sets: whitespace removed
// (the corpora differ in spacing around the same review).
std::string dedup_key(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') continue;
    if (text.compare(i, 3, "\u3000") == 0) {
      i += 2;
      continue;
    }
    key += c;
  }
  return key;
}

}  // namespace

SentimentData load_sentiment_data(const std::filesystem::path& dir) {
  SentimentData d;
  const auto root = dir / "sentiment";
  std::vector<LabelledText> pool;
  {
    auto in = open(root / "weibo2018/train.txt");
    std::string line, id, label, text;
    while (std::getline(in, line)) {
      if (!split3(line, id, label, text) || (label != "0" && label != "1")) continue;
      LabelledText t{label == "1", text, "weibo2018"};
      (fnv1a(id) % 10 == 0 ? d.eval["weibo2018-heldout"] : pool).push_back(std::move(t));
    }
  }
  auto read_tsv_text_label = [&](const std::filesystem::path& p, std::vector<LabelledText>& out) {
    auto in = open(p);
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.rfind('\t');
      if (tab == std::string::npos) continue;
      const std::string label = line.substr(tab + 1);
      if (label != "positive" && label != "negative") continue;
      out.push_back({label == "positive", line.substr(0, tab), "chnsenticorp"});
    }
  };
  read_tsv_text_label(root / "chnsenticorp/train.tsv", pool);
  read_tsv_text_label(root / "chnsenticorp/dev.tsv", d.eval["chnsenticorp-dev"]);
  {
    auto in = open(root / "weibo_senti_100k/dev.tsv");
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t');
      if (tab == std::string::npos || (line.compare(0, tab, "0") != 0 && line.compare(0, tab, "1") != 0)) continue;
      LabelledText t{line[0] == '1', line.substr(tab + 1), "weibo_senti_100k"};
      (fnv1a(t.text) % 10 == 0 ? d.eval["weibo_senti_100k-heldout"] : pool).push_back(std::move(t));
    }
  }
  {
    auto in = open(root / "online_shopping/online_shopping_10_cats.csv");
    std::string line, cat, label, text;
    while (std::getline(in, line)) {
      if (!split3(line, cat, label, text) || (label != "0" && label != "1") || text.empty()) continue;
      pool.push_back({label == "1", text, "online_shopping"});
    }
  }
  std::unordered_set<std::string> heldout;
  for (const auto& [_, set] : d.eval)
    for (const auto& t : set) heldout.insert(dedup_key(t.text));
  for (auto& t : pool) {
    if (heldout.count(dedup_key(t.text))) {
      ++d.dropped_as_heldout;
      continue;
    }
    if (fnv1a("validation:" + t.text) % 10 == 0)
      d.validation[t.corpus].push_back(std::move(t));
    else
      d.train.push_back(std::move(t));
  }
  return d;
}

EvalFigures score_binary(const std::vector<int>& gold, const std::vector<int>& predicted) {
  EvalFigures f;
  f.n = gold.size();
  size_t correct = 0, tp = 0, fp = 0, fn = 0;  // negative class is "positive" for its F1
  for (size_t i = 0; i < gold.size(); ++i) {
    correct += gold[i] == predicted[i];
    tp += gold[i] == 0 && predicted[i] == 0;
    fp += gold[i] == 1 && predicted[i] == 0;
    fn += gold[i] == 0 && predicted[i] == 1;
  }
  f.accuracy = f.n ? double(correct) / double(f.n) : 0;
  f.negative_f1 = tp ? 2.0 * double(tp) / double(2 * tp + fp + fn) : 0;
  return f;
}

std::map<std::string, EvalFigures> train_sentiment(const SentimentTrainOptions& o, const Normalizer& normalizer) {
  const SentimentData data = load_sentiment_data(o.data_dir);
  std::vector<NgramTrainRow> rows;
  auto add = [&](const LabelledText& t) {
    const int repeat = t.corpus.rfind("weibo", 0) == 0 ? o.weibo_repeat : 1;
    NgramTrainRow row{t.label, normalizer.normalize(t.text).text};
    for (int r = 1; r < repeat; ++r) rows.push_back(row);
    rows.push_back(std::move(row));
  };
  for (const auto& t : data.train) add(t);
  size_t validation_rows = 0;
  for (const auto& [_, set] : data.validation) {
    validation_rows += set.size();
    if (!o.validate)
      for (const auto& t : set) add(t);
  }
  spdlog::info("train: {} training texts + {} validation texts ({}), {} dropped as copies of held-out texts; "
               "held out: {} weibo2018, {} ChnSentiCorp dev, {} weibo_senti_100k; {} rows with Weibo rows x{}",
               data.train.size(), validation_rows, o.validate ? "not trained on" : "trained on",
               data.dropped_as_heldout, data.eval.at("weibo2018-heldout").size(),
               data.eval.at("chnsenticorp-dev").size(), data.eval.at("weibo_senti_100k-heldout").size(), rows.size(),
               o.weibo_repeat);
  NgramTrainOptions t;
  t.c = o.c;
  t.min_count = o.min_count;
  t.min_weight = o.min_weight;
  const size_t kept = train_ngram_model(rows, t, o.output);
  spdlog::info("train: {} n-grams in the model", kept);
  rows = {};

  const NgramSentimentModel model(o.output);
  std::map<std::string, std::vector<LabelledText>> scored;
  if (o.validate) {
    for (const auto& [corpus, set] : data.validation) scored[corpus + "-validation"] = set;
  } else {
    scored = data.eval;
  }
  std::map<std::string, EvalFigures> figures;
  for (const auto& [name, set] : scored) {
    std::vector<int> gold, predicted;
    for (const auto& row : set) {
      gold.push_back(row.label);
      predicted.push_back(model.positive(normalizer.normalize(row.text).text) > 0.5);
    }
    figures[name] = score_binary(gold, predicted);
  }
  return figures;
}

size_t train_keywords(const KeywordTrainOptions& o, const Normalizer& normalizer, const Segmenter& segmenter) {
  std::vector<std::string> texts;
  auto lines = [&](const std::filesystem::path& p, char sep, bool text_first) {
    auto in = open(p);
    for (std::string line; std::getline(in, line);) {
      const auto at = text_first ? line.find(sep) : line.rfind(sep);
      if (at == std::string::npos) continue;
      texts.push_back(text_first ? line.substr(0, at) : line.substr(at + 1));
    }
  };
  lines(o.data_dir / "topics/tnews/train.tsv", '\t', true);
  lines(o.data_dir / "topics/thucnews_titles/dev.txt", '\t', true);
  lines(o.data_dir / "sentiment/chnsenticorp/train.tsv", '\t', true);
  lines(o.data_dir / "sentiment/online_shopping/online_shopping_10_cats.csv", ',', false);
  lines(o.data_dir / "sentiment/weibo2018/train.txt", ',', false);

  std::unordered_map<std::string, uint32_t> df;
  for (const auto& text : texts) {
    const std::string norm = normalizer.normalize(text).text;
    std::unordered_map<std::string_view, bool> seen;
    for (const auto& t : segmenter.segment(norm))
      if ((t.kind == TokenKind::word || t.kind == TokenKind::user_term) && utf8::count(t.text) >= 2) seen[t.text] = true;
    for (const auto& [w, _] : seen) ++df[std::string(w)];
  }
  std::vector<std::pair<uint32_t, std::string>> ranked;
  for (auto& [w, n] : df)
    if (int(n) >= o.min_df) ranked.emplace_back(n, w);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  if (ranked.size() > size_t(o.max_words)) ranked.resize(size_t(o.max_words));
  std::ofstream out(o.output);
  if (!out) throw std::runtime_error("cannot write " + o.output.string());
  out << "# documents\t" << texts.size() << "\n";
  for (const auto& [n, w] : ranked) {
    char idf[32];
    std::snprintf(idf, sizeof idf, "%.4f", std::log(double(texts.size() + 1) / double(n + 1)));
    out << w << '\t' << idf << '\n';
  }
  return ranked.size();
}

// ---- category ------------------------------------------------------------------------------

namespace {

// Character bigrams of a text (each packed as two 21-bit code points), distinct and sorted; for a
// segmented row only the bigrams inside its words (`spaced`: words separated by spaces).
std::vector<uint64_t> bigrams(std::string_view text, bool spaced) {
  std::vector<uint64_t> out;
  char32_t prev = 0;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t c = utf8::next(text, pos);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000) {
      if (spaced) prev = 0;
      continue;
    }
    if (prev) out.push_back(uint64_t(prev) | (uint64_t(c) << 21));
    prev = c;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// For each query, the largest share of its bigrams found in one text of `corpus` (and which), with
// `skip(query, text)` excluding pairs.
class Containment {
 public:
  explicit Containment(const std::vector<std::vector<uint64_t>>& corpus) : hits_(corpus.size(), 0) {
    for (uint32_t i = 0; i < corpus.size(); ++i)
      for (const uint64_t b : corpus[i]) postings_[b].push_back(i);
  }
  std::pair<double, int> best(const std::vector<uint64_t>& query, int skip = -1) {
    if (query.empty()) return {0.0, -1};
    std::vector<uint32_t> touched;
    for (const uint64_t b : query) {
      const auto it = postings_.find(b);
      if (it == postings_.end()) continue;
      for (const uint32_t i : it->second)
        if (hits_[i]++ == 0) touched.push_back(i);
    }
    std::pair<double, int> out{0.0, -1};
    for (const uint32_t i : touched) {
      const double share = double(hits_[i]) / double(query.size());
      if (int(i) != skip && (share > out.first || (share == out.first && int(i) < out.second))) out = {share, int(i)};
      hits_[i] = 0;
    }
    return out;
  }

 private:
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings_;
  std::vector<uint32_t> hits_;
};

// One CSV record (RFC 4180: quoted fields may hold commas, doubled quotes and newlines); false at the
// end of the input.
bool read_csv_record(std::istream& in, std::vector<std::string>& fields) {
  fields.assign(1, "");
  std::string line;
  if (!std::getline(in, line)) return false;
  bool quoted = false;
  for (;;) {
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c != '"') {
          fields.back() += c;
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          fields.back() += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else if (c != '\r') {
        fields.back() += c;
      }
    }
    if (!quoted || !std::getline(in, line)) return true;
    fields.back() += '\n';
  }
}

}  // namespace

bool message_in_test_split(std::string_view text) { return fnv1a(text) % 5 == 0; }
bool message_in_validation_split(std::string_view text) { return fnv1a("validation:" + std::string(text)) % 5 == 0; }

MessageData load_message_data(const std::filesystem::path& dir, bool validate) {
  MessageData d;
  const auto root = dir / "topics/gov_messages";
  std::vector<LabelledMessage> raw, segmented;
  auto read = [&](const char* name, bool is_segmented, std::vector<LabelledMessage>& out) {
    auto in = open(root / name);
    std::vector<std::string> fields;
    read_csv_record(in, fields);  // header
    while (read_csv_record(in, fields))
      if (fields.size() == 2 && !fields[0].empty() && !fields[1].empty()) out.push_back({fields[0], fields[1], is_segmented});
  };
  read("messages_raw.csv", false, raw);
  read("messages_segmented.csv", true, segmented);
  d.raw_rows = raw.size();
  d.segmented_rows = segmented.size();
  // Held out: the test split, or (validating) the validation slice — the test split is then out of
  // everything, held out as well as training.
  std::vector<LabelledMessage> heldout, excluded, train_raw;
  for (auto& m : raw) {
    const bool test = message_in_test_split(m.text);
    if (validate ? (!test && message_in_validation_split(m.text)) : test)
      heldout.push_back(std::move(m));
    else if (test)
      excluded.push_back(std::move(m));
    else
      train_raw.push_back(std::move(m));
  }
  std::vector<std::vector<uint64_t>> out_grams;  // every message training must not see
  for (const auto* set : {&heldout, &excluded})
    for (const auto& m : *set) out_grams.push_back(bigrams(m.text, false));
  Containment out_index(out_grams);
  std::vector<std::vector<uint64_t>> raw_grams;
  std::vector<LabelledMessage> kept_raw;
  for (auto& m : train_raw) {
    auto grams = bigrams(m.text, false);
    if (out_index.best(grams).first >= kHeldOutCopy) {
      ++d.dropped_heldout_copies;
      continue;
    }
    raw_grams.push_back(std::move(grams));
    kept_raw.push_back(std::move(m));
  }
  Containment raw_index(raw_grams);
  for (auto& m : segmented) {
    // The copy's Excel line-break residue (_x000D_) goes; the words stay apart for their bigrams and
    // are joined afterwards, as the analyzer sees a message (unspaced).
    std::string spaced;
    for (size_t i = 0; i < m.text.size();) {
      if (m.text.compare(i, 7, "_x000D_") == 0) {
        spaced += ' ';
        i += 7;
      } else {
        spaced += m.text[i++];
      }
    }
    const auto grams = bigrams(spaced, true);
    if (out_index.best(grams).first >= kHeldOutCopy) {
      ++d.dropped_heldout_copies;
      continue;
    }
    if (raw_index.best(grams).first >= kSameMessage) {
      ++d.dropped_raw_copies;
      continue;
    }
    std::string joined;
    for (size_t pos = 0; pos < spaced.size();) {
      const size_t start = pos;
      const char32_t c = utf8::next(spaced, pos);
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != 0x3000) joined.append(spaced, start, pos - start);
    }
    d.train.push_back({m.level1, std::move(joined), true});
  }
  for (auto& m : kept_raw) d.train.push_back(std::move(m));
  d.heldout = std::move(heldout);
  return d;
}

CategoryFigures score_classes(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  CategoryFigures f;
  f.n = gold.size();
  std::map<std::string, size_t> tp, fp, fn;
  const std::set<std::string> classes(gold.begin(), gold.end());
  size_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (gold[i] == predicted[i]) {
      ++tp[gold[i]];
      ++correct;
    } else {
      ++fn[gold[i]];
      if (classes.count(predicted[i])) ++fp[predicted[i]];
    }
  }
  double sum = 0;
  for (const auto& c : classes) {
    ClassFigures cf;
    cf.n = tp[c] + fn[c];
    cf.precision = tp[c] + fp[c] ? double(tp[c]) / double(tp[c] + fp[c]) : 0;
    cf.recall = cf.n ? double(tp[c]) / double(cf.n) : 0;
    cf.f1 = cf.precision + cf.recall > 0 ? 2 * cf.precision * cf.recall / (cf.precision + cf.recall) : 0;
    sum += cf.f1;
    f.per_class[c] = cf;
  }
  f.accuracy = f.n ? double(correct) / double(f.n) : 0;
  f.macro_f1 = classes.empty() ? 0 : sum / double(classes.size());
  return f;
}

CategoryFigures train_category(const CategoryTrainOptions& o, const Normalizer& normalizer) {
  const MessageData data = load_message_data(o.data_dir, o.validate);
  std::set<std::string> names;
  for (const auto& m : data.train) names.insert(m.level1);
  const std::vector<std::string> classes(names.begin(), names.end());
  std::vector<NgramClassRow> rows;
  for (const auto& m : data.train)
    rows.push_back({int(std::find(classes.begin(), classes.end(), m.level1) - classes.begin()), normalizer.normalize(m.text).text});
  spdlog::info("train category: {} raw + {} segmented rows; held out ({}): {} messages; training: {} rows "
               "({} dropped as copies of held-out messages, {} segmented copies of raw training messages)",
               data.raw_rows, data.segmented_rows, o.validate ? "validation slice" : "test split", data.heldout.size(),
               rows.size(), data.dropped_heldout_copies, data.dropped_raw_copies);
  NgramTrainOptions t;
  t.c = o.c;
  t.min_count = o.min_count;
  t.min_weight = o.min_weight;
  const size_t kept = train_ngram_class_model(rows, classes, t, o.output,
                                              "trained on " + std::to_string(rows.size()) +
                                                  " citizen messages (yuqing train category" +
                                                  (o.validate ? " --validate" : "") + ")",
                                              o.balance);
  spdlog::info("train category: {} n-grams in the model", kept);
  const NgramClassModel model(o.output);
  std::vector<std::string> gold, predicted;
  for (const auto& m : data.heldout) {
    const auto p = model.probabilities(normalizer.normalize(m.text).text);
    gold.push_back(m.level1);
    predicted.push_back(classes[size_t(std::max_element(p.begin(), p.end()) - p.begin())]);
  }
  return score_classes(gold, predicted);
}

}  // namespace yuqing::processors
