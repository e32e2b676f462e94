#include "processors/taggers/stories.h"

#include <gtest/gtest.h>

#include "core/hash.h"
#include "processors/analyzer.h"
#include "processors/text/normalize.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

StoryAssignment assign(StoryTracker& tracker, const std::string& id, const std::string& text, bool reaction = false) {
  const std::string norm = analyzer().normalizer().normalize(text).text;
  return tracker.assign({id, fingerprint(norm), norm, reaction});
}

// A news article of about 190 characters, as the district's sites publish them.
const std::string kArticle =
    "近日，运河街道召开老旧小区改造工作推进会，区住房城乡建设局有关负责人出席会议并讲话。\n"
    "会议指出，要聚焦雨污管网改造等重点任务，压实责任、挂图作战，确保按期完成年度目标。\n"
    "截至目前，运河街道已完成加装电梯项目12个，惠及群众2380户。\n"
    "在华兴路社区，工作人员正在逐户走访，听取群众对外墙保温的意见建议。\n"
    "下一步，运河街道将持续推进老旧小区改造，及时公开进展情况，主动接受社会监督。";

// Commas as enumeration commas, paragraphs run together: what another site's template makes of a text.
std::string repunctuated(std::string s) {
  for (size_t p = s.find("，"); p != std::string::npos; p = s.find("，", p)) s.replace(p, 3, "、");
  for (char& c : s) c = c == '\n' ? ' ' : c;
  return s;
}

struct Case {
  const char* name;
  std::string first;
  bool first_reaction;
  std::string second;
  bool second_reaction;
  bool same_story;
  const char* match;  // of the second document
};

TEST(Stories, CopiesJoinAndLookAlikesDoNot) {
  const std::string sibling =  // the same template, another town, other numbers and another closing
      "近日，泥沟镇召开老旧小区改造工作推进会，区住房城乡建设局有关负责人出席会议并讲话。\n"
      "截至目前，泥沟镇已完成外墙保温项目7个，惠及群众415户。\n"
      "区住房城乡建设局将楼道照明和屋面防水纳入重点工作清单，实行周调度、月通报。";
  const Case cases[] = {
      {"the same text", kArticle, false, kArticle, false, true, "exact"},
      {"a forum repost with a source line", kArticle, false, "转自台儿庄新闻网\n" + kArticle, false, true, "near"},
      {"a repost with a tag, an editor's line and a signature", kArticle, false,
       "【转帖】\n" + kArticle + "\n（来源：台儿庄新闻网 编辑：王明）\n生活不止眼前的苟且", false, true, "near"},
      {"other whitespace and punctuation", kArticle, false, repunctuated(kArticle), false, true, "near"},
      {"a comment pasting the whole article", kArticle, false, kArticle, true, true, "exact"},
      {"a remark quoting one sentence", kArticle, false, "截至目前，运河街道已完成加装电梯项目12个，惠及群众2380户。这数字靠谱吗？", true, false, ""},
      {"a template sibling about another town", kArticle, false, sibling, false, false, ""},
      {"the same short remark by two people", "关注一下", true, "关注一下", true, false, ""},
      {"the same short top-level text", "转发了解一下，大家看看", false, "转发了解一下，大家看看", false, false, ""},
      {"the same complaint sentence in two comments", "开发商一再推迟交房，业主每月还着房贷却住不进去，到底有没有人管？[怒]", true,
       "开发商一再推迟交房，业主每月还着房贷却住不进去，到底有没有人管？[怒]", true, false, ""},
      {"a short post copied with an exclamation", "泥沟镇养殖场臭味扰民，夏天根本不敢开窗，希望有关部门尽快处理！", false,
       "泥沟镇养殖场臭味扰民，夏天根本不敢开窗，希望有关部门尽快处理！！！", false, true, "near"},
      {"two unrelated posts", "泥沟镇养殖场臭味扰民，夏天根本不敢开窗，希望有关部门尽快处理！", false,
       "张山子镇公交车一小时才一班，末班车太早，村民进城很不方便。", false, false, ""},
  };
  for (const auto& c : cases) {
    StoryTracker tracker;
    const auto a = assign(tracker, "doc-a", c.first, c.first_reaction);
    const auto b = assign(tracker, "doc-b", c.second, c.second_reaction);
    EXPECT_EQ(a.story_id == b.story_id, c.same_story) << c.name;
    EXPECT_EQ(b.match, c.match) << c.name;
  }
}

TEST(Stories, ADocumentInNoStoryIsItsOwnStory) {
  StoryTracker tracker;
  EXPECT_EQ(assign(tracker, "doc-1", "顶", true).story_id, "doc-1");
  EXPECT_EQ(assign(tracker, "doc-2", "顶", false).story_id, "doc-2");
  // Without an id (`yuqing analyze` on bare text) the content hash stands in.
  EXPECT_EQ(assign(tracker, "", "顶").story_id, fingerprint(analyzer().normalizer().normalize("顶").text));
  // A story's id is the content hash of its first document, whatever instance computes it.
  EXPECT_EQ(assign(tracker, "doc-3", kArticle).story_id, fingerprint(analyzer().normalizer().normalize(kArticle).text));
}

TEST(Stories, ContainmentEstimate) {
  const auto a = story_content(kArticle), b = story_content("转自台儿庄新闻网" + kArticle);
  EXPECT_GT(estimated_containment(minhash(a), a.size() - 2, minhash(b), b.size() - 2), 0.8);
  const auto c = story_content("张山子镇公交车一小时才一班，末班车太早，村民进城很不方便。");
  EXPECT_LT(estimated_containment(minhash(a), a.size() - 2, minhash(c), c.size() - 2), 0.2);
  EXPECT_EQ(story_content("你好，world 2026！😊"), U"你好world2026");
}

// The shared log in memory: one order for every reader. A lagging reader sees nothing through
// read_new (another instance's record not yet fetched), only through its own claim.
struct MemoryLog {
  std::vector<StoryRecord> records;
};
class Reader final : public StoryLog {
 public:
  Reader(MemoryLog& log, bool lagging) : log_(log), lagging_(lagging) {}
  Status read_new(std::vector<StoryRecord>& out) override {
    if (lagging_) return Status::ok();
    for (; next_ < log_.records.size(); ++next_) out.push_back(log_.records[next_]);
    return Status::ok();
  }
  Status claim(const std::vector<StoryRecord>& records, std::vector<StoryRecord>& log) override {
    log_.records.insert(log_.records.end(), records.begin(), records.end());
    for (; next_ < log_.records.size(); ++next_) log.push_back(log_.records[next_]);
    return Status::ok();
  }

 private:
  MemoryLog& log_;
  bool lagging_;
  size_t next_ = 0;
};

// A batch on one instance: its documents' story ids once settle() has claimed the batch's stories.
std::vector<std::string> batch(StoryTracker& tracker, const std::vector<std::pair<std::string, std::string>>& docs) {
  std::vector<std::string> ids;
  for (const auto& [id, text] : docs) ids.push_back(assign(tracker, id, text).story_id);
  const auto moved = tracker.settle();
  for (auto& id : ids)
    if (const auto it = moved.find(id); it != moved.end()) id = it->second.story_id;
  return ids;
}

TEST(Stories, InstancesSharingALogPutACopyInItsOriginalsStory) {
  const std::string copy = "转自台儿庄新闻网\n" + kArticle, other = "张山子镇公交车一小时才一班，末班车太早，村民进城很不方便，希望增加班次。";
  struct Row {
    const char* name;
    bool lagging;          // the second instance has not fetched the first one's record yet
    bool concurrent;       // both batches are assigned before either is settled (the first settles first)
    std::string second;    // what lands on the second instance
    std::string also;      // a copy of it in the same batch ("" none)
    bool same_story;
    size_t claims;         // records in the log at the end
  };
  const Row rows[] = {
      {"a repost on another instance", false, false, copy, "", true, 1},
      {"a repost on another instance at the same moment", true, false, copy, "", true, 2},
      {"a repost and its copy in a batch open at the same time", false, true, copy, copy + "\n生活不止眼前的苟且", true, 2},
      {"the same text in both batches at the same time", false, true, kArticle, copy, true, 2},
      {"an unrelated post on another instance", true, false, other, "", false, 2},
      {"an unrelated post and its copy in one batch", false, true, other, other + "！！", false, 2},
  };
  for (const auto& r : rows) {
    MemoryLog log;
    Reader ra(log, false), rb(log, r.lagging);
    StoryTracker a, b;
    a.set_log(&ra);
    b.set_log(&rb);
    std::vector<std::pair<std::string, std::string>> second = {{"doc-b", r.second}};
    if (!r.also.empty()) second.push_back({"doc-b2", r.also});
    std::string first;
    std::vector<std::string> seconds;
    if (r.concurrent) {
      const std::string provisional = assign(a, "doc-a", kArticle).story_id;
      std::vector<std::string> ids;
      for (const auto& [id, text] : second) ids.push_back(assign(b, id, text).story_id);
      const auto moved_a = a.settle(), moved_b = b.settle();
      EXPECT_TRUE(moved_a.empty()) << r.name << ": the first claim in the log keeps its story";
      first = provisional;
      for (auto& id : ids)
        if (const auto it = moved_b.find(id); it != moved_b.end()) id = it->second.story_id;
      seconds = ids;
    } else {
      first = batch(a, {{"doc-a", kArticle}})[0];
      seconds = batch(b, second);
    }
    EXPECT_EQ(first == seconds[0], r.same_story) << r.name;
    for (const auto& id : seconds) EXPECT_EQ(id, seconds[0]) << r.name << ": copies in one batch share a story";
    EXPECT_EQ(log.records.size(), r.claims) << r.name;
    // Whoever learns the log later, in its order, agrees.
    Reader rc(log, false);
    StoryTracker c;
    c.set_log(&rc);
    EXPECT_EQ(batch(c, {{"doc-c", r.second + "\n（编辑：王明）"}})[0], seconds[0]) << r.name;
  }
  // Without the log, the lagging case is what one index per instance gave: two stories, and
  // assign() is final (nothing to settle).
  StoryTracker a, b;
  EXPECT_NE(assign(a, "doc-a", kArticle).story_id, assign(b, "doc-b", copy).story_id);
  EXPECT_TRUE(b.settle().empty());
}

TEST(Stories, StateIsBounded) {
  StoryTracker tracker(StoryOptions{3, 5, 60, 0.8, 0.5});
  for (const char* t : {"第一条完全不同的消息内容", "另一件毫不相干的事情发生", "第三个话题关于公交线路", "第四个话题关于学校招生"})
    assign(tracker, t, t);
  EXPECT_EQ(tracker.size(), 3u);
  // The evicted first story is forgotten: its copy opens a new story.
  EXPECT_EQ(assign(tracker, "again", "第一条完全不同的消息内容").match, "");
}

}  // namespace
}  // namespace yuqing::processors
