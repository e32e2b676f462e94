#include "processors/taggers/stories.h"

#include <gtest/gtest.h>

#include "processors/analyzer.h"
#include "processors/text/normalize.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

StoryAssignment assign(StoryTracker& tracker, const std::string& text) {
  const std::string norm = analyzer().normalizer().normalize(text).text;
  return tracker.assign(std::to_string(std::hash<std::string>{}(norm)), norm, analyzer().segmenter().segment(norm));
}

std::string long_text(const std::string& variant) {
  std::string s;
  for (int i = 0; i < 12; ++i) s += "台儿庄区运河街道老旧小区改造工程进展顺利，第" + std::to_string(i) + "期管网更新已完成，居民出行更加方便。";
  return s + variant;
}

}  // namespace

TEST(Stories, ExactAndNearDuplicatesOfShortPosts) {
  StoryTracker tracker;
  const auto first = assign(tracker, "泥沟镇养殖场臭味扰民，希望有关部门尽快处理！");
  EXPECT_EQ(first.match, "");
  const auto copy = assign(tracker, "泥沟镇养殖场臭味扰民，希望有关部门尽快处理！");
  EXPECT_EQ(copy.match, "exact");
  EXPECT_EQ(copy.story_id, first.story_id);
  const auto near = assign(tracker, "泥沟镇养殖场臭味扰民，希望有关部门尽快处理！！转发");
  EXPECT_EQ(near.match, "near");
  EXPECT_EQ(near.story_id, first.story_id);
  const auto other = assign(tracker, "张山子镇公交车一小时才一班，末班车太早。");
  EXPECT_EQ(other.match, "");
  EXPECT_NE(other.story_id, first.story_id);
}

TEST(Stories, SimHashGroupsLightlyEditedLongTexts) {
  StoryTracker tracker;
  const auto a = assign(tracker, long_text("（记者 王明）"));
  const auto b = assign(tracker, long_text("（来源：台儿庄发布）"));
  EXPECT_EQ(b.match, "near");
  EXPECT_EQ(b.story_id, a.story_id);
  EXPECT_NE(simhash64(analyzer().segmenter().segment(long_text(""))), 0u);
}

TEST(Stories, StateIsBounded) {
  StoryTracker tracker(StoryOptions{3, 200, 3, 0.6});
  for (const char* t : {"第一条完全不同的消息内容", "另一件毫不相干的事情发生", "第三个话题关于公交线路", "第四个话题关于学校招生"})
    assign(tracker, t);
  EXPECT_EQ(tracker.size(), 3u);
  // The evicted first story is forgotten: its copy opens a new story.
  EXPECT_EQ(assign(tracker, "第一条完全不同的消息内容").match, "");
}

}  // namespace yuqing::processors
