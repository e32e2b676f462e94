#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "processors/train.h"

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

}  // namespace
}  // namespace yuqing::processors
