#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "core/gzip.h"
#include "processors/taggers/sentiment_model.h"
#include "processors/training/train.h"

namespace yuqing::processors {
namespace {

// A miniature of ../shared/data/sentiment in the layout load_sentiment_data reads.
class SentimentDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("yuqing-sentiment-data-" + std::to_string(::getpid()));
    const auto s = root_ / "sentiment";
    for (const char* d : {"weibo2018", "chnsenticorp", "weibo_senti_100k", "online_shopping"})
      std::filesystem::create_directories(s / d);
    std::ofstream weibo2018(s / "weibo2018/train.txt"), cs_train(s / "chnsenticorp/train.tsv"),
        cs_dev(s / "chnsenticorp/dev.tsv"), senti(s / "weibo_senti_100k/dev.tsv"),
        shopping(s / "online_shopping/online_shopping_10_cats.csv");
    senti << "label\tx_valid\n";
    shopping << "cat,label,review\n";
    for (int i = 0; i < 200; ++i) {
      const std::string n = std::to_string(i);
      weibo2018 << 4231265311393455 + i << ',' << i % 2 << ",微博第" << n << "条,有逗号\n";
      cs_train << "酒店第" << n << "条评论\t" << (i % 2 ? "positive" : "negative") << "\n";
      cs_dev << "开发集第" << n << "条评论\t" << (i % 2 ? "positive" : "negative") << "\n";
      senti << i % 2 << "\t情感微博第" << n << "条[哈哈]\n";
      shopping << "书籍," << i % 2 << ",购物第" << n << "条\n";
    }
    // The same review in ChnSentiCorp dev, in its train split (spaced differently) and in online_shopping.
    cs_dev << "房间 很干净，服务好\tpositive\n";
    cs_train << "房间很干净， 服务好\tpositive\n";
    shopping << "酒店,1,房间很干净，服务好\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
};

TEST_F(SentimentDataTest, HeldOutValidationAndTrainingAreDisjoint) {
  const SentimentData d = load_sentiment_data(root_);
  ASSERT_EQ(d.eval.size(), 3u);
  EXPECT_EQ(d.eval.at("chnsenticorp-dev").size(), 201u);
  const size_t weibo_heldout = d.eval.at("weibo2018-heldout").size();
  const size_t senti_heldout = d.eval.at("weibo_senti_100k-heldout").size();
  EXPECT_GT(weibo_heldout, 0u);
  EXPECT_LT(weibo_heldout, 60u);
  EXPECT_GT(senti_heldout, 0u);
  EXPECT_LT(senti_heldout, 60u);

  std::set<std::string> heldout, validation;
  for (const auto& [_, set] : d.eval)
    for (const auto& t : set) heldout.insert(t.text);
  size_t pool = d.train.size();
  for (const auto& [corpus, set] : d.validation) {
    for (const auto& t : set) {
      EXPECT_EQ(t.corpus, corpus);
      validation.insert(t.text);
    }
    pool += set.size();
  }
  EXPECT_FALSE(validation.empty());
  for (const auto& t : d.train) {
    EXPECT_FALSE(heldout.count(t.text)) << t.text;
    EXPECT_FALSE(validation.count(t.text)) << t.text;
    EXPECT_EQ(t.text.find("房间"), std::string::npos) << "a copy of a held-out review was kept: " << t.text;
  }
  EXPECT_EQ(d.dropped_as_heldout, 2u);
  // Every row is somewhere: 200 per training corpus, 200 weibo_senti_100k rows split 90/10.
  EXPECT_EQ(pool + weibo_heldout + senti_heldout + d.dropped_as_heldout, 200u * 4 + 2);
}

TEST(SentimentScore, AccuracyAndNegativeClassF1) {
  const EvalFigures f = score_binary({0, 0, 1, 1}, {0, 1, 1, 0});
  EXPECT_EQ(f.n, 4u);
  EXPECT_DOUBLE_EQ(f.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(f.negative_f1, 0.5);
}

TEST(CharNgrams, DistinctOneToThreeGramsWithWhitespaceFoldedAndAsciiLowered) {
  std::set<std::string> grams;
  for (const uint64_t k : char_ngrams("好好 \t Ab")) grams.insert(ngram_text(k));
  // 好 好 ␠ a b: every 1..3-gram once (好 and 好好 occur once each as distinct n-grams).
  const std::set<std::string> expected{"好", " ", "a", "b", "好好", "好 ", " a", "ab", "好好 ", "好 a", " ab"};
  EXPECT_EQ(grams, expected);
  const auto keys = char_ngrams("好好 \t Ab");
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
}

class NgramModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("yuqing-ngram-model-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text, bool gz) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << (gz ? gzip(text) : text);
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(NgramModelTest, LearnsWhichCharactersCarryPolarityAndNamesThem) {
  std::vector<NgramTrainRow> rows;
  const char* subjects[] = {"路灯", "公交", "窗口", "物业", "医院", "学校", "公园", "道路"};
  for (const char* s : subjects) {
    rows.push_back({1, std::string(s) + "服务很满意，点赞"});
    rows.push_back({1, std::string("感谢") + s + "，很满意"});
    rows.push_back({0, std::string(s) + "问题没人管，很失望"});
    rows.push_back({0, std::string("投诉") + s + "，失望透顶"});
  }
  const auto file = dir_ / "m.tsv.gz";
  NgramTrainOptions o;
  o.min_count = 2;
  o.c = 1;
  const size_t kept = train_ngram_model(rows, o, file);
  EXPECT_GT(kept, 10u);
  // Deterministic: the same rows give the same bytes.
  const auto again = dir_ / "again.tsv.gz";
  train_ngram_model(rows, o, again);
  auto bytes = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(file), bytes(again));
  // min_weight leaves the n-grams that barely move a logit out of the file.
  NgramTrainOptions pruned = o;
  pruned.min_weight = 0.05;
  const size_t kept_pruned = train_ngram_model(rows, pruned, again);
  EXPECT_LT(kept_pruned, kept);
  EXPECT_GT(kept_pruned, 0u);
  std::istringstream lines(gunzip(bytes(again), 1 << 20).value());
  size_t entries = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("bias\t", 0) == 0) continue;
    EXPECT_GE(std::abs(std::stod(line.substr(line.rfind('\t') + 1))), 0.05) << line;
    ++entries;
  }
  EXPECT_EQ(entries, kept_pruned);

  const NgramSentimentModel model(file);
  EXPECT_EQ(model.size(), kept);
  std::vector<NgramSentimentModel::Contribution> why;
  EXPECT_GT(model.positive("小区的绿化很满意", &why), 0.6);
  ASSERT_FALSE(why.empty());
  EXPECT_GT(why.front().weight, 0);
  const std::string& top = why.front().ngram;
  EXPECT_TRUE(top.find("满") != std::string::npos || top.find("意") != std::string::npos) << top;
  EXPECT_LT(model.positive("垃圾站没人管，很失望", &why), 0.4);
  EXPECT_LT(why.front().weight, 0);
  // Never-seen characters leave only the bias: close to the prior (half the rows are positive).
  EXPECT_NEAR(model.positive("𠀀𠀁"), 0.5, 0.1);
}

TEST_F(NgramModelTest, ReadsPlainOrGzipAndNamesTheBadLine) {
  // After the bias line '#' is an n-gram like any other (Weibo's #话题#), not a comment.
  const std::string good = "# comment\nbias\t0.5\n#\t0.25\n满意\t2\n失望\t-3\n";
  for (const bool gz : {false, true}) {
    const NgramSentimentModel m(write(gz ? "g.gz" : "g.tsv", good, gz));
    EXPECT_EQ(m.size(), 3u);
    EXPECT_NEAR(m.positive("#"), 1 / (1 + std::exp(-0.75)), 1e-6);
    EXPECT_NEAR(m.positive("满意"), 1 / (1 + std::exp(-2.5)), 1e-6);
    EXPECT_NEAR(m.positive("失望"), 1 / (1 + std::exp(2.5)), 1e-6);
  }
  auto error = [&](const std::string& text) {
    try {
      NgramSentimentModel m(write("bad.tsv", text, false));
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("bias\t1\n满意\tx\n").find("bad.tsv:2: weight is not a number"), std::string::npos);
  EXPECT_NE(error("满意\t1\n").find("bad.tsv:1: the first entry must be"), std::string::npos);
  EXPECT_NE(error("bias\t1\n满意极了\t1\n").find("bad.tsv:2: an n-gram holds 1 to 3 characters"), std::string::npos);
  EXPECT_NE(error("# only a comment\n").find("no \"bias\" line"), std::string::npos);
  EXPECT_THROW(NgramSentimentModel(dir_ / "missing.tsv.gz"), std::runtime_error);
}

}  // namespace
}  // namespace yuqing::processors
