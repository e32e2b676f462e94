// Detectors on hand-made facts: each case builds a small history and asks one question.
#include <gtest/gtest.h>

#include <cmath>

#include "alerts/detector.h"
#include "alerts/engine.h"
#include "alerts/seasonal.h"
#include "alerts/stats.h"

namespace yuqing::alerts {
namespace {

// 2026-10-05 00:00 China time, a Monday.
constexpr UnixSeconds kMonday = 1791129600;

AlertsConfig config() { return load_alerts_config("configs/alerts.yaml", "configs/issues.yaml"); }

struct FactBuilder {
  std::vector<Fact> facts;
  int next = 0;
  // A thread: a top-level document and `replies` comments by other authors, all at `t`.
  std::string thread(UnixSeconds t, const std::string& issue, const std::string& place, int replies = 1,
                     const std::string& sentiment = "neutral", const std::string& site = "forum") {
    Fact top;
    top.id = "doc" + std::to_string(next++);
    top.kind = DocKind::post;
    top.site = site;
    top.author = "author" + top.id;
    top.story = top.id;
    top.time = t;
    top.issues = {issue};
    top.places = {place};
    top.sentiment = sentiment;
    top.title = issue + "的帖子";
    facts.push_back(top);
    for (int r = 0; r < replies; ++r) {
      Fact c = top;
      c.id = "doc" + std::to_string(next++);
      c.parent_id = top.id;
      c.author = "author" + c.id;
      c.story = c.id;
      c.time = t + 60 * (r + 1);
      c.title.clear();
      facts.push_back(c);
    }
    return top.id;
  }
  Fact& add(Fact f) {
    f.id = "doc" + std::to_string(next++);
    if (f.story.empty()) f.story = f.id;
    facts.push_back(f);
    return facts.back();
  }
};

std::vector<Finding> run(const char* detector, const std::vector<Fact>& facts, const AlertsConfig& c, UnixSeconds now) {
  const FactSet set(facts);
  std::vector<Finding> out;
  for (const Detector* d : all_detectors())
    if (std::string(d->name()) == detector) d->detect({set, c, now}, out);
  return out;
}

// A quiet district: every day at 10:00 one thread about a background issue in each town, for `days`;
// a third of them negative.
void background(FactBuilder& b, UnixSeconds from, int days) {
  for (int d = 0; d < days; ++d)
    for (const char* place : {"运河街道", "泥沟镇", "邳庄镇"})
      b.thread(from + d * kDay + 10 * kHour, "教育", place, 2, d % 3 == 0 ? "negative" : "neutral");
}

TEST(Stats, TailsMatchClosedForms) {
  struct Case { double got, want; };
  const Case cases[] = {
      {poisson_upper_tail(3, 1), 1 - std::exp(-1.0) * 2.5},
      {poisson_upper_tail(0, 5), 1},
      {binomial_upper_tail(5, 5, 0.3), std::pow(0.3, 5)},
      {binomial_upper_tail(1, 4, 0.5), 1 - std::pow(0.5, 4)},
      {negative_binomial_upper_tail(3, 1, 1e12), 1 - std::exp(-1.0) * 2.5},  // huge k is Poisson
  };
  for (const auto& c : cases) EXPECT_NEAR(c.got, c.want, 1e-9);
  // Over-dispersion makes the same count less surprising.
  EXPECT_GT(negative_binomial_upper_tail(8, 1, 2), poisson_upper_tail(8, 1));
}

TEST(VolumeSpike, ManyNewThreadsAboveTheSeasonalBaselineFire) {
  const AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 28);
  for (int d = 0; d < 28; d += 7) b.thread(kMonday + d * kDay + 11 * kHour, "老旧小区与棚户区改造", "运河街道", 2);  // one a week
  const UnixSeconds now = kMonday + 29 * kDay;
  for (int k = 0; k < 6; ++k) b.thread(now - 20 * kHour + k * kHour, "老旧小区与棚户区改造", "运河街道", 2, "negative");
  const auto found = run("volume_spike", b.facts, c, now);
  ASSERT_EQ(found.size(), 1u);
  const Alert& a = found[0].alert;
  EXPECT_EQ(a.issue, "老旧小区与棚户区改造");
  EXPECT_EQ(a.place, "运河街道");
  EXPECT_EQ(a.observed, 6);
  EXPECT_LT(a.expected, 1);
  EXPECT_LT(a.p_value, c.volume_spike.p_value);
  EXPECT_EQ(a.document_ids.size(), 18u);  // six threads of three documents
  EXPECT_FALSE(a.samples.empty());
  EXPECT_NE(a.summary.find("新增 6 个相关话题"), std::string::npos) << a.summary;
}

TEST(VolumeSpike, OneArticleWithItsCommentsIsNotASpike) {
  const AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 28);
  const UnixSeconds now = kMonday + 29 * kDay;
  b.thread(now - 5 * kHour, "老旧小区与棚户区改造", "运河街道", 40, "negative", "local-news");
  EXPECT_TRUE(run("volume_spike", b.facts, c, now).empty());
}

TEST(VolumeSpike, ASeasonalPeakIsNotASpike) {
  // Every Monday morning the whole district is busy, this key too: 4 threads each Monday.
  const AlertsConfig c = config();
  FactBuilder b;
  for (int week = 0; week < 5; ++week)
    for (int k = 0; k < 4; ++k) {
      const UnixSeconds t = kMonday + week * 7 * kDay + (8 + k) * kHour;
      b.thread(t, "教育", "运河街道", 2);
      b.thread(t + 600, "就业创业", "泥沟镇", 2);
      b.thread(t + 1200, "社会保险", "邳庄镇", 2);
    }
  const UnixSeconds now = kMonday + 4 * 7 * kDay + 13 * kHour;  // the fifth Monday, after its peak
  const auto found = run("volume_spike", b.facts, c, now);
  EXPECT_TRUE(found.empty()) << found.front().alert.summary;
  // The seasonal model expects Mondays to be busy: its expectation for the last 24 hours is far
  // above a flat one (four Mondays of 28 days hold all the history).
  const FactSet set(b.facts);
  const SeasonalProfile profile(set, kMonday, kMonday + 28 * kDay, c.utc_offset_minutes);
  const double share = profile.mass(now - kDay, now) / profile.mass(kMonday, kMonday + 28 * kDay);
  EXPECT_GT(share, 2.0 / 28);
}

TEST(VolumeSpike, ColdStartSuppressesUntilEnoughHistory) {
  const AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 3);
  const UnixSeconds now = kMonday + 3 * kDay;
  for (int k = 0; k < 6; ++k) b.thread(now - 10 * kHour + k * kHour, "老旧小区与棚户区改造", "运河街道", 2, "negative");
  EXPECT_LT(3, c.volume_spike.cold_start_days);
  EXPECT_TRUE(run("volume_spike", b.facts, c, now).empty());
}

TEST(VolumeSpike, MostlyPraiseIsNotAConcern) {
  const AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 28);
  const UnixSeconds now = kMonday + 29 * kDay;
  for (int k = 0; k < 6; ++k) b.thread(now - 20 * kHour + k * kHour, "营商环境与政务服务", "运河街道", 2, "positive");
  EXPECT_TRUE(run("volume_spike", b.facts, c, now).empty());
}

TEST(NegativeSurge, SmallCountsAreNotSignificant) {
  AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 28);
  const UnixSeconds now = kMonday + 29 * kDay;
  for (int k = 0; k < 5; ++k) b.thread(now - 10 * kHour + k * kHour, "教育", "运河街道", 0, "negative");
  EXPECT_TRUE(run("negative_surge", b.facts, c, now).empty());  // below min_documents
  c.negative_surge.min_documents = 1;
  EXPECT_TRUE(run("negative_surge", b.facts, c, now).empty());  // 5 of 5 negative is not yet significant
  for (int k = 0; k < 25; ++k) b.thread(now - 9 * kHour + k * 600, "教育", "运河街道", 0, "negative");
  const auto found = run("negative_surge", b.facts, c, now);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_GT(found[0].alert.observed, 0.8);  // the window's share
  EXPECT_LT(found[0].alert.expected, 0.5);  // the baseline's
  EXPECT_LT(found[0].alert.p_value, c.negative_surge.p_value);
}

TEST(WatchTerms, ATermFiresOncePerStoryAndExclusionsDoNot) {
  const AlertsConfig c = config();
  FactBuilder b;
  const UnixSeconds now = kMonday + kDay;
  Fact f;
  f.kind = DocKind::post;
  f.site = "forum";
  f.time = now - 600;
  f.issues = {"老旧小区与棚户区改造"};
  f.places = {"运河街道"};
  f.title = "运河街道某小区路面塌陷";
  f.story = "story-1";
  b.add(f);
  f.title = "转：运河街道某小区路面塌陷";
  b.add(f);  // same story
  f.title = "全区死亡率统计公报";
  f.story = "story-2";
  b.add(f);  // excluded phrase
  const auto found = run("watch_term", b.facts, c, now);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.severity, Severity::critical);
  EXPECT_EQ(found[0].alert.document_ids.size(), 2u);
  EXPECT_EQ(found[0].alert.terms, std::vector<std::string>{"塌陷"});
}

TEST(Unanswered, OverdueMessagesWithoutReplyFirePerIssuePlaceAndUnit) {
  const AlertsConfig c = config();
  FactBuilder b;
  const UnixSeconds now = kMonday + 30 * kDay;
  std::vector<std::string> ids;
  for (int k = 0; k < 4; ++k) {
    Fact m;
    m.kind = DocKind::message;
    m.site = "message-board";
    m.time = kMonday + k * kHour;
    m.issues = {"乡村振兴与涉农补贴"};
    m.places = {"马兰屯镇"};
    m.title = "补贴什么时候发？";
    ids.push_back(b.add(m).id);
  }
  Fact reply;  // one of them was answered in time
  reply.kind = DocKind::reply;
  reply.parent_id = ids[3];
  reply.site = "message-board";
  reply.time = kMonday + 2 * kDay;
  b.add(reply);
  const auto found = run("unanswered", b.facts, c, now);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].alert.observed, 3);
  EXPECT_EQ(found[0].alert.departments, std::vector<std::string>{"马兰屯镇"});
  // Before the deadline nothing is overdue.
  EXPECT_TRUE(run("unanswered", b.facts, c, kMonday + 10 * kDay).empty());
}

TEST(Engine, AConcernAlertsOnceThenOnlyWhenItGrowsOrEscalates) {
  const AlertsConfig c = config();
  FactBuilder b;
  background(b, kMonday, 28);
  const UnixSeconds start = kMonday + 29 * kDay;
  for (int k = 0; k < 6; ++k) b.thread(start - 20 * kHour + k * kHour, "老旧小区与棚户区改造", "运河街道", 2, "negative");
  for (int k = 0; k < 12; ++k) b.thread(start + 2 * kHour + k * 600, "老旧小区与棚户区改造", "运河街道", 2, "negative");
  const FactSet set(b.facts);
  Engine engine(c);
  std::vector<std::string> raised_ids;
  for (UnixSeconds h : replay_hours(start - kHour, start + 6 * kHour)) {
    std::vector<Alert> raised, closed;
    engine.evaluate(set, h, raised, closed);
    for (const auto& a : raised) raised_ids.push_back(a.id);
  }
  // The first hour raises it; the hours after see the same concern (no alert) until it doubles.
  ASSERT_GE(raised_ids.size(), 2u);
  EXPECT_NE(raised_ids[0], raised_ids[1]);
  for (const auto& a : engine.alerts()) EXPECT_EQ(a.departments.front(), "运河街道");
  // A second engine replaying the same hours raises the same ids.
  Engine again(c);
  std::vector<std::string> again_ids;
  for (UnixSeconds h : replay_hours(start - kHour, start + 6 * kHour)) {
    std::vector<Alert> raised, closed;
    again.evaluate(set, h, raised, closed);
    for (const auto& a : raised) again_ids.push_back(a.id);
  }
  EXPECT_EQ(raised_ids, again_ids);
}

}  // namespace
}  // namespace yuqing::alerts
