// Intent, and which question marks ask a question (processors/intent.h).
#include "processors/taggers/intent.h"

#include <gtest/gtest.h>

#include "processors/analyzer.h"
#include "processors/text/normalize.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

std::string intent(const std::string& text) {
  Document d;
  d.text = text;
  return analyzer().analyze(d).intent;
}

bool asks(const std::string& text) { return asks_question(normalize_text(text)); }

}  // namespace

TEST(Question, ClauseFinalQuestionMarksAsk) {
  EXPECT_TRUE(asks("孩子上学的事到底谁管？"));
  EXPECT_TRUE(asks("这个政策是真的?"));
  EXPECT_TRUE(asks("真的吗???"));  // a run counts when its clause holds a question word
  EXPECT_TRUE(asks("号是不是大了？[哈哈]"));
  EXPECT_TRUE(asks("请问怎么办?谢谢"));
  EXPECT_TRUE(asks("你咋知道的？别不承认啦"));  // a '?' before more text asks when a question word precedes it
}

TEST(Question, LostCharacterPlaceholdersAndRunsDoNotAsk) {
  // weibo_senti_100k shows characters lost in conversion as '?'.
  EXPECT_FALSE(asks("??朱?光?！！[鼓掌]"));
  EXPECT_FALSE(asks("又?了[晕][晕]"));
  EXPECT_FALSE(asks("连你也?解了……[泪]"));
  EXPECT_FALSE(asks("嘿嘿，央??是打?了大人的部署啊…[哈哈]"));
  EXPECT_FALSE(asks("角色无所谓，可这倒霉名字??????"));
  EXPECT_FALSE(asks("恭喜@小牙哟哟 @???? @乌龙茶滴梦想 获得10元话费！"));
  EXPECT_FALSE(asks("第一第二个[衰] @周? @黄经纬"));
  EXPECT_FALSE(asks("?"));
}

TEST(Intent, PlaceholdersDoNotMakeAnInquiry) {
  EXPECT_EQ(intent("又?了[晕][晕]"), "news");
  EXPECT_EQ(intent("??朱?光?！！[鼓掌]"), "news");
  EXPECT_EQ(intent("今天好开心???"), "news");
  EXPECT_EQ(intent("小区门口的路灯什么时候能修好？"), "inquiry");
  EXPECT_EQ(intent("办居住证要带户口本吗？"), "inquiry");
}

TEST(Intent, SetPhrasesHideTheirCueWord) {
  // 意见建议 is a report's formula; 建议 alone proposes something.
  EXPECT_EQ(intent("工作人员正在逐户走访，听取群众的意见建议。"), "news");
  EXPECT_EQ(intent("工作人员正在逐户走访，听取群众的意见和建议。"), "news");
  EXPECT_EQ(intent("建议在泥沟镇中心路口增设红绿灯。"), "suggestion");
}

TEST(Intent, AComplaintThatEndsWithARequestIsStillAComplaint) {
  // 希望 and 恳请 are suggestion cues; 反映, 至今没有解决 and 严重影响 outweigh them.
  EXPECT_EQ(intent("我们多次向有关部门反映，至今没有解决，严重影响生活，希望领导高度重视，恳请尽快解决！"), "complaint");
}

}  // namespace yuqing::processors
