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
  // Six series are tested: 教育 in three towns, 老旧小区 in one, and both issues district-wide.
  EXPECT_LT(a.p_value, c.volume_spike.p_threshold(6));
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

TEST(VolumeSpike, AKeyWithoutHistoryIsJudgedByWhatItsIssueAndPlacePredict) {
  // 28 days in which 教育 is busy (泥沟镇, 邳庄镇) and so is 运河街道 (就业创业), but never 教育 in
  // 运河街道 — by chance, as a sparse key often is. Then 3 threads of it in a day: alone its history
  // says "never" and 3 looks enormous; its issue and place predict 0.5 a day, and 3 is no spike.
  FactBuilder b;
  for (int d = 0; d < 28; ++d) {
    const UnixSeconds t = kMonday + d * kDay + 10 * kHour;
    b.thread(t, "教育", "泥沟镇", 2);
    b.thread(t + 600, "教育", "邳庄镇", 2);
    b.thread(t + 1200, "就业创业", "运河街道", 2);
    b.thread(t + 1800, "就业创业", "泥沟镇", 2);
  }
  const UnixSeconds now = kMonday + 29 * kDay;
  for (int k = 0; k < 3; ++k) b.thread(now - 12 * kHour + k * kHour, "教育", "运河街道", 2, "negative");
  struct Case {
    double margin_weight;
    bool fires;
  };
  for (const Case k : {Case{0, true}, Case{1, false}}) {
    AlertsConfig c = config();
    c.volume_spike.margin_weight = k.margin_weight;
    c.volume_spike.per_issue = false;
    const auto found = run("volume_spike", b.facts, c, now);
    EXPECT_EQ(!found.empty(), k.fires) << "margin_weight " << k.margin_weight;
  }
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

TEST(VolumeSpike, TheMoreSeriesAreTestedTheStrongerTheEvidenceEachNeeds) {
  // The monthly false-alarm budget is shared by every series tested once per window.
  struct Case {
    double budget;
    size_t keys;
    int window_hours;
    double p;
  };
  const Case cases[] = {
      {0.15, 150, 24, 0.15 / (150 * 30.0)},  // ~3.3e-5: the sandbox's 19 issues x 7 places + district
      {0.15, 15, 24, 0.15 / (15 * 30.0)},    // ten times fewer series, ten times the per-test p
      {0.15, 150, 72, 0.15 / (150 * 10.0)},  // three-day windows: a third as many tests a month
      {0.15, 0, 24, 0.15 / 30.0},            // nothing tested yet: as if one series
  };
  for (const auto& k : cases) {
    AlertsConfig c = config();
    c.volume_spike.false_alarms_per_month = k.budget;
    c.volume_spike.window_hours = k.window_hours;
    EXPECT_NEAR(c.volume_spike.p_threshold(k.keys), k.p, k.p * 1e-9) << k.keys << " keys, " << k.window_hours << " h";
  }
}

TEST(VolumeSpike, AShortHistoryIsNotJudgedAsIfItsRateWereKnown) {
  // The same key at the same rate (one 教育 thread a day in 运河街道) and the same six new threads:
  // after a week of history the expectation is an estimate from seven threads, after four weeks
  // from 28, so the week-old key's rise is less surprising (a larger p).
  auto p_after = [](int days) {
    AlertsConfig c = config();
    c.volume_spike.false_alarms_per_month = 1e6;  // report every candidate, to read its p
    c.volume_spike.margin_weight = 0;
    c.volume_spike.per_issue = false;
    FactBuilder b;
    for (int d = 0; d < days; ++d) b.thread(kMonday + d * kDay + 10 * kHour, "教育", "运河街道", 2);
    const UnixSeconds now = kMonday + (days + 1) * kDay;
    for (int k = 0; k < 6; ++k) b.thread(now - 20 * kHour + k * kHour, "教育", "运河街道", 2, "negative");
    const auto found = run("volume_spike", b.facts, c, now);
    EXPECT_EQ(found.size(), 1u) << days << " days";
    return found.empty() ? 0.0 : found[0].alert.p_value;
  };
  EXPECT_GT(p_after(7), 3 * p_after(28));
}

TEST(VolumeSpike, AnIssueWideRiseMadeByOnePlaceIsLeftToThatPlace) {
  // 28 quiet days of 就业创业 (a thread every fourth day in each of four towns, one a day in all),
  // then eight new threads in a day. When most come from 泥沟镇 the rise is that town's: its own
  // test decides — here not yet, its posts have drawn no replies (too few voices) — and the
  // district-wide count it inflates does not alert the district's bureau instead. When they are
  // spread over the towns, none a spike alone, the district-wide rise is alerted.
  const char* towns[] = {"运河街道", "泥沟镇", "邳庄镇", "张山子镇"};
  struct NewThread {
    const char* place;
    int replies;
  };
  struct Case {
    const char* name;
    std::vector<NewThread> new_threads;
    std::vector<std::string> alerted_places;  // "" = the whole district
  };
  const Case cases[] = {
      {"five quiet posts in one town, three threads elsewhere",
       {{"泥沟镇", 0}, {"泥沟镇", 0}, {"泥沟镇", 0}, {"泥沟镇", 0}, {"泥沟镇", 0}, {"运河街道", 2}, {"邳庄镇", 2}, {"张山子镇", 2}},
       {}},
      {"two threads in each town",
       {{"运河街道", 2}, {"运河街道", 2}, {"泥沟镇", 2}, {"泥沟镇", 2}, {"邳庄镇", 2}, {"邳庄镇", 2}, {"张山子镇", 2}, {"张山子镇", 2}},
       {""}},
  };
  for (const auto& k : cases) {
    const AlertsConfig c = config();
    FactBuilder b;
    for (int d = 0; d < 28; ++d) b.thread(kMonday + d * kDay + 10 * kHour, "就业创业", towns[d % 4], 2);
    const UnixSeconds now = kMonday + 29 * kDay;
    int hour = 0;
    for (const auto& t : k.new_threads) b.thread(now - 20 * kHour + hour++ * kHour, "就业创业", t.place, t.replies, "negative");
    std::vector<std::string> alerted;
    for (const auto& f : run("volume_spike", b.facts, c, now)) {
      alerted.push_back(f.alert.place);
      // A district-wide alert says where its documents are from (three towns of six each, at most 3 named).
      if (f.alert.place.empty()) {
        EXPECT_NE(f.alert.summary.find("文档涉及地点：张山子镇 6 篇、"), std::string::npos) << f.alert.summary;
      }
    }
    EXPECT_EQ(alerted, k.alerted_places) << k.name;
  }
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

// Each case: a quiet district for 28 days, then `threads` threads about 运河街道's water in the last day.
TEST(Rumour, HearsayThreadsFireOnlyWhenTheyAreManyNewAndFromDifferentPeople) {
  struct Case {
    const char* name;
    int threads;            // hearsay threads in the last day
    const char* title;      // their opening post
    bool same_author;       // all by one person
    const char* site;       // where they are posted (district-portal is official: answers, not voices)
    bool routine;           // the key has had a hearsay thread every day of the baseline
    bool fires;
  };
  const Case cases[] = {
      {"three people pass on the claim", 3, "听说运河街道的自来水有问题，是真的吗？", false, "forum", false, true},
      {"two threads are not yet spread", 2, "听说运河街道的自来水有问题，是真的吗？", false, "forum", false, false},
      {"one person posting three times", 3, "听说运河街道的自来水有问题，是真的吗？", true, "forum", false, false},
      {"debunking voices are answers", 3, "网传运河街道自来水有问题？已辟谣，别信", false, "forum", false, false},
      {"the portal's clarifications are not voices", 3, "关于网传运河街道自来水问题的说明", false, "district-portal", false, false},
      {"plain complaints are the volume spike's", 3, "运河街道的自来水又停了", false, "forum", false, false},
      {"hearsay is routine for this key", 3, "听说运河街道的自来水有问题，是真的吗？", false, "forum", true, false},
  };
  const AlertsConfig c = config();
  for (const auto& k : cases) {
    FactBuilder b;
    background(b, kMonday, 28);
    const UnixSeconds now = kMonday + 29 * kDay;
    if (k.routine)
      for (int d = 0; d < 28; ++d) {
        b.thread(kMonday + d * kDay + 15 * kHour, "公共企事业单位", "运河街道", 1);
        b.facts[b.facts.size() - 2].title = "听说运河街道要停水？";
      }
    for (int t = 0; t < k.threads; ++t) {
      const size_t top = b.facts.size();
      b.thread(now - 20 * kHour + t * kHour, "公共企事业单位", "运河街道", 2, "neutral", k.site);
      b.facts[top].title = k.title;
      if (k.same_author) b.facts[top].author = "same-person";
      if (std::string(k.site) == "district-portal") {
        b.facts[top].kind = DocKind::article;
        b.facts[top].official = true;
      }
    }
    const auto found = run("rumour", b.facts, c, now);
    ASSERT_EQ(found.size(), k.fires ? 1u : 0u) << k.name;
    if (!k.fires) continue;
    const Alert& a = found[0].alert;
    EXPECT_EQ(a.issue, "公共企事业单位") << k.name;
    EXPECT_EQ(a.place, "运河街道") << k.name;
    EXPECT_EQ(a.observed, k.threads) << k.name;
    EXPECT_LT(a.p_value, c.rumour.p_value) << k.name;
    EXPECT_EQ(a.severity, Severity::major) << k.name;
    EXPECT_EQ(a.document_ids.size(), size_t(3 * k.threads)) << k.name;  // each thread with its two comments
    EXPECT_EQ(found[0].key, "公共企事业单位|运河街道") << k.name;      // one concern with a volume spike of the key
  }
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
