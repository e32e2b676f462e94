#include "processors/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "processors/normalize.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a(load_rules("configs"));
  return a;
}

Tags tag(const std::string& title, const std::string& text) {
  Document d;
  d.title = title;
  d.text = text;
  return analyzer().analyze(d);
}

bool has_issue(const Tags& t, const std::string& name) {
  return std::any_of(t.issues.begin(), t.issues.end(), [&](const IssueTag& i) { return i.name == name; });
}

}  // namespace

TEST(Normalize, FoldsFullWidthAndCollapsesSpace) {
  EXPECT_EQ(normalize_text("ＡＢＣ１２３，  你好\n\t世界"), "ABC123, 你好 世界");
}

TEST(Analyzer, TagsThePolicyIssueWithItsDepartmentsAndEvidence) {
  const Tags t = tag("运河街道老旧小区改造迟迟不完工", "居民投诉加装电梯工程停工三个月，没人管。");
  ASSERT_TRUE(has_issue(t, "老旧小区与棚户区改造"));
  const auto& issue = t.issues.front();
  EXPECT_EQ(issue.name, "老旧小区与棚户区改造");
  EXPECT_NE(std::find(issue.departments.begin(), issue.departments.end(), "区住房城乡建设局"), issue.departments.end());
  EXPECT_NE(std::find(issue.evidence.begin(), issue.evidence.end(), "老旧小区"), issue.evidence.end());
  EXPECT_EQ(t.places, std::vector<std::string>{"运河街道"});
  EXPECT_EQ(t.sentiment_label, "negative");
  EXPECT_LT(t.sentiment_score, 0);
  EXPECT_EQ(t.intent, "complaint");
}

TEST(Analyzer, LeadUnitIsRoutedFirstWhenThePlanNamesOne) {
  const Tags t = tag("", "开发商虚假宣传，商品房交房延期。");
  ASSERT_TRUE(has_issue(t, "房地产市场监管"));
  EXPECT_EQ(t.issues.front().departments, std::vector<std::string>{"区住房城乡建设局"});
}

TEST(Analyzer, PraiseAndNegatedPraise) {
  const Tags praise = tag("", "马兰屯镇便民服务中心办事高效，群众点赞，非常满意。");
  EXPECT_EQ(praise.sentiment_label, "positive");
  EXPECT_EQ(praise.intent, "praise");
  EXPECT_EQ(praise.places, std::vector<std::string>{"马兰屯镇"});
  const Tags negated = tag("", "对处理结果不满意。");
  EXPECT_EQ(negated.sentiment_label, "negative");
  EXPECT_NE(std::find(negated.sentiment_evidence.begin(), negated.sentiment_evidence.end(), "-满意 (negated)"),
            negated.sentiment_evidence.end());
}

TEST(Analyzer, ShortAliasesNeedAPlaceSuffix) {
  EXPECT_EQ(tag("", "涧头村村民反映道路问题").places, std::vector<std::string>{"涧头集镇"});
  EXPECT_TRUE(tag("", "山涧头上开满了花").places.empty());
}

TEST(Analyzer, UnrelatedTextGetsNoIssueAndStaysNeutral) {
  const Tags t = tag("", "今天天气晴朗，气温二十度。");
  EXPECT_TRUE(t.issues.empty());
  EXPECT_EQ(t.sentiment_label, "neutral");
  EXPECT_EQ(t.intent, "news");
  EXPECT_EQ(t.content_hash.size(), 32u);
}

TEST(Analyzer, InquiryIntent) {
  EXPECT_EQ(tag("", "请问低保申请需要哪些材料？").intent, "inquiry");
}

}  // namespace yuqing::processors
