// Immediate evaluation (Engine::evaluate_immediate, mails_for_immediate): the watch-list and
// fast-story detectors on the hour in progress raise, from the documents stored so far, the alerts
// the full evaluation of that hour raises — same ids — and the statistical detectors wait for the
// complete hour. Each case is a row: documents, the moment of the immediate evaluation, what it raises.
#include <gtest/gtest.h>

#include <set>

#include "alerts/engine.h"
#include "alerts/notify.h"

namespace yuqing::alerts {
namespace {

// 2026-10-19 14:00 China time (a Monday, three weeks into the default timeline's calendar).
constexpr UnixSeconds kHourStart = 1792389600;
constexpr UnixSeconds kHourEnd = kHourStart + kHour;
constexpr const char* kFrom = "yuqing 舆情监测 <yuqing@localhost>";

AlertsConfig config() { return load_alerts_config("configs/alerts.yaml", "configs/issues.yaml"); }

Fact post(const std::string& id, UnixSeconds t, const std::string& title, const std::string& site = "forum",
          const std::string& story = "") {
  Fact f;
  f.id = id;
  f.kind = DocKind::post;
  f.site = site;
  f.author = "author-" + id;
  f.story = story.empty() ? id : story;
  f.time = t;
  f.issues = {"公共企事业单位"};
  f.places = {"泥沟镇"};
  f.sentiment = "negative";
  f.title = title;
  f.text = title;
  return f;
}

std::vector<Fact> before(const std::vector<Fact>& facts, UnixSeconds at) {
  std::vector<Fact> out;
  for (const auto& f : facts)
    if (f.time < at) out.push_back(f);
  return out;
}

// The ids a full replay raises up to and including `last_hour`, from `from` on.
std::set<std::string> replay_ids(const AlertsConfig& c, const std::vector<Fact>& facts, UnixSeconds from, UnixSeconds last_hour) {
  const FactSet set(facts);
  Engine engine(c);
  std::set<std::string> ids;
  for (UnixSeconds h : replay_hours(from, last_hour)) {
    std::vector<Alert> raised, closed;
    engine.evaluate(set, h, raised, closed);
    for (const auto& a : raised) ids.insert(a.id);
  }
  return ids;
}

TEST(Immediate, RaisesMidHourWhatTheFullHourRaisesWithTheSameIds) {
  const AlertsConfig c = config();
  ASSERT_EQ(c.watch_terms.terms.at("塌陷"), "critical");
  ASSERT_EQ(c.watch_terms.terms.at("火灾"), "major");
  const UnixSeconds t = kHourStart + 20 * 60;  // the document's publish time, 14:20
  // Four copies of one story on three sites: a fast story (min_sites 3, min_documents 4).
  std::vector<Fact> spread;
  for (int k = 0; k < 4; ++k)
    spread.push_back(post("s" + std::to_string(k), t - 2 * kHour + k * 40 * 60, "泥沟镇自来水厂停水三天无人回应",
                          k == 0 ? "forum" : k == 1 ? "local-news" : "news-portal", "story-water"));
  struct Case {
    const char* what;
    std::vector<Fact> facts;
    UnixSeconds at;
    std::vector<std::string> detectors;  // raised by the immediate evaluation, in order
    Severity severity = Severity::general;  // of the first
  };
  const Case cases[] = {
      {"a watch term seconds after its document", {post("a", t, "泥沟镇一处民房塌陷")}, t + 5, {"watch_term"}, Severity::critical},
      {"nothing before the document", {post("a", t, "泥沟镇一处民房塌陷")}, t, {}},
      {"an excluded phrase is no term", {post("a", t, "泥沟镇开展火灾隐患排查")}, t + 5, {}},
      {"a 较大 term", {post("a", t, "泥沟镇一处仓库火灾")}, t + 5, {"watch_term"}, Severity::major},
      {"two documents of one story: one alert",
       {post("a", t, "泥沟镇一处民房塌陷", "forum", "st"), post("b", t + 60, "民房塌陷后续", "local-news", "st")},
       t + 120, {"watch_term"}, Severity::critical},
      {"the fourth copy of a story on a third site (mostly negative: 较大)", spread, t + 5, {"fast_story"}, Severity::major},
      {"the hour's first second: nothing of the hour yet", {post("a", t, "泥沟镇一处民房塌陷")}, kHourStart, {}},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.what);
    const FactSet seen(before(k.facts, k.at));
    const Engine engine(c);
    const auto raised = engine.evaluate_immediate(seen, k.at);
    std::vector<std::string> detectors;
    for (const auto& a : raised) detectors.push_back(a.detector);
    EXPECT_EQ(detectors, k.detectors);
    if (raised.empty()) continue;
    EXPECT_EQ(raised[0].severity, k.severity);
    // The full evaluation of the hour, and a replay from the day before, raise the same ids.
    const std::set<std::string> full = replay_ids(c, k.facts, kHourEnd - kHour, kHourEnd);
    const std::set<std::string> replay = replay_ids(c, k.facts, kHourStart - kDay, kHourEnd);
    for (const auto& a : raised) {
      EXPECT_EQ(a.fired_at, k.at);
      EXPECT_EQ(a.window_end, k.at);
      EXPECT_TRUE(full.count(a.id)) << a.title;
      EXPECT_TRUE(replay.count(a.id)) << a.title;
    }
  }
}

TEST(Immediate, StatisticalDetectorsWaitForTheCompleteHour) {
  const AlertsConfig c = config();
  // Four weeks of a quiet key, then a burst of new negative threads inside the hour.
  std::vector<Fact> facts;
  int n = 0;
  for (UnixSeconds day = kHourStart - 28 * kDay; day < kHourStart - kDay; day += kDay)
    facts.push_back(post("bg" + std::to_string(n++), day, "泥沟镇供水的帖子"));
  for (int k = 0; k < 30; ++k) {
    Fact f = post("burst" + std::to_string(k), kHourStart - 20 * kHour + k * 40 * 60 % (21 * kHour), "泥沟镇停水");
    f.author = "burst-author" + std::to_string(k);
    facts.push_back(f);
  }
  const UnixSeconds at = kHourStart + 30 * 60;
  const FactSet all(facts), seen(before(facts, at));
  Engine full(c);
  std::vector<Alert> raised, closed;
  full.evaluate(all, kHourEnd, raised, closed);
  std::set<std::string> full_detectors;
  for (const auto& a : raised) full_detectors.insert(a.detector);
  ASSERT_TRUE(full_detectors.count("volume_spike") || full_detectors.count("negative_surge")) << "the case must hold a statistical alert";
  for (const auto& a : Engine(c).evaluate_immediate(seen, at))
    EXPECT_TRUE(a.detector == "watch_term" || a.detector == "fast_story") << a.detector;
}

// An episode alerted in an earlier hour that grows mid-hour: the immediate evaluation raises the
// regrowth alert the full hour raises (its id names the hour's end), and leaves the engine as it
// was, so that the full evaluation still decides.
TEST(Immediate, RegrowthMidHourHasTheFullHoursIdAndLeavesTheEngineUnchanged) {
  const AlertsConfig c = config();
  ASSERT_EQ(c.routing.regrow_factor, 2.0);
  std::vector<Fact> facts = {post("a", kHourStart - 2 * kHour + 600, "泥沟镇一处民房塌陷", "forum", "st")};
  for (int k = 0; k < 3; ++k)
    facts.push_back(post("g" + std::to_string(k), kHourStart + (10 + k) * 60, "民房塌陷又有新情况", "forum", "st"));
  const UnixSeconds at = kHourStart + 15 * 60;
  Engine engine(c);
  const FactSet all(facts), seen(before(facts, at));
  for (UnixSeconds h : replay_hours(kHourStart - 3 * kHour, kHourStart)) {
    std::vector<Alert> raised, closed;
    engine.evaluate(all, h, raised, closed);
  }
  ASSERT_EQ(engine.alerts().size(), 1u) << "the story's first alert, an hour before";
  const auto immediate = engine.evaluate_immediate(seen, at);
  ASSERT_EQ(immediate.size(), 1u);
  EXPECT_NE(immediate[0].title.find("持续扩大"), std::string::npos) << immediate[0].title;
  EXPECT_EQ(immediate[0].id, make_alert_id("watch_term", "story:st", kHourEnd));
  EXPECT_EQ(engine.alerts().size(), 1u) << "the immediate evaluation changed the engine";
  std::vector<Alert> raised, closed;
  engine.evaluate(all, kHourEnd, raised, closed);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].id, immediate[0].id);
}

// Stored alerts continue their episodes the same whether the hour's alert was stored by the full
// evaluation (fired on the hour) or raised mid-hour by an immediate one (fired inside it).
TEST(Immediate, AnEngineSeededWithAMidHourAlertContinuesLikeOneSeededWithTheFullHours) {
  const AlertsConfig c = config();
  std::vector<Fact> facts = {post("a", kHourStart + 600, "泥沟镇一处民房塌陷", "forum", "st")};
  // Quiet for exactly the episode gap after the hour, then the story again.
  const UnixSeconds back = kHourEnd + UnixSeconds(c.routing.episode_gap_hours) * kHour - 30 * 60;
  facts.push_back(post("b", back, "民房塌陷：仍未处理", "forum", "st"));
  facts.push_back(post("c", back + 60, "民房塌陷：仍未处理", "forum", "st"));
  const FactSet all(facts);
  Engine first(c);
  std::vector<Alert> raised, closed;
  first.evaluate(all, kHourEnd, raised, closed);
  ASSERT_EQ(raised.size(), 1u);
  Alert midhour = raised[0];
  midhour.fired_at = midhour.window_end = kHourStart + 601;
  auto ids_after = [&](const Alert& seed) {
    Engine e(c, {seed});
    std::vector<std::string> ids;
    for (UnixSeconds h : replay_hours(kHourEnd, back + 2 * kHour)) {
      std::vector<Alert> r, cl;
      e.evaluate(all, h, r, cl);
      for (const auto& a : r) ids.push_back(a.id);
    }
    return ids;
  };
  EXPECT_EQ(ids_after(midhour), ids_after(raised[0]));
  EXPECT_FALSE(ids_after(raised[0]).empty()) << "the case must raise something after the gap";
  EXPECT_EQ(hour_end_of(kHourStart), kHourStart);
  EXPECT_EQ(hour_end_of(kHourStart + 1), kHourEnd);
  EXPECT_EQ(hour_end_of(kHourEnd - 1), kHourEnd);
}

Alert alert_of(Severity s, UnixSeconds fired) {
  Alert a;
  a.id = "immediate-" + std::string(to_string(s)) + std::to_string(fired);
  a.detector = "watch_term";
  a.severity = s;
  a.issue = "公共企事业单位";
  a.place = "泥沟镇";
  a.departments = {"泥沟镇"};
  a.title = "敏感信息：塌陷（泥沟镇）";
  a.fired_at = a.window_end = fired;
  a.window_start = fired - 5;
  a.document_ids = {"a"};
  return a;
}

TEST(Immediate, MailsFollowTheRoutingRulesAtTheMomentOfTheAlert) {
  const AlertsConfig c = config();
  const size_t per_alert = c.recipients_for({"泥沟镇"}).size();
  ASSERT_EQ(per_alert, 2u);  // the town and the openness office
  const UnixSeconds day = kHourStart - 14 * kHour;  // 2026-10-19 00:00 China time
  struct Case {
    const char* what;
    Severity severity;
    UnixSeconds at;
    size_t mails;
  };
  const Case cases[] = {
      {"重大 by day at once", Severity::critical, day + 14 * kHour + 1234, per_alert},
      {"重大 at night at once", Severity::critical, day + 23 * kHour + 1800, per_alert},
      {"较大 by day at once", Severity::major, day + 14 * kHour + 1234, per_alert},
      {"较大 at 21:59 at once", Severity::major, day + 22 * kHour - 60, per_alert},
      {"较大 at night waits", Severity::major, day + 23 * kHour + 1800, 0},
      {"较大 at 06:30 waits", Severity::major, day + 6 * kHour + 1800, 0},
      {"一般 waits for the digest", Severity::general, day + 14 * kHour + 1234, 0},
  };
  for (const auto& k : cases) EXPECT_EQ(mails_for_immediate(c, {alert_of(k.severity, k.at)}, k.at, kFrom).size(), k.mails) << k.what;

  // What waited goes out by the hourly rules: the night's 较大 at 07:00 ...
  const Alert night = alert_of(Severity::major, day + 23 * kHour + 1800);
  EXPECT_EQ(mails_for_hour(c, {night}, day + 31 * kHour, kFrom).size(), per_alert);
  // ... and the 一般 in the next 09:00 digest.
  const Alert general = alert_of(Severity::general, day + 14 * kHour + 1234);
  EXPECT_EQ(mails_for_hour(c, {general}, day + 33 * kHour, kFrom).size(), per_alert);

  // The hour's full evaluation raises the same alert at the hour's end: the same Message-IDs, so
  // the outbox takes each mail once.
  const Alert now = alert_of(Severity::critical, kHourStart + 1234);
  Alert full = now;
  full.fired_at = full.window_end = kHourEnd;
  const auto at_once = mails_for_immediate(c, {now}, now.fired_at, kFrom);
  const auto hourly = mails_for_hour(c, {full}, kHourEnd, kFrom);
  ASSERT_EQ(at_once.size(), hourly.size());
  for (size_t i = 0; i < at_once.size(); ++i) EXPECT_EQ(at_once[i].message_id, hourly[i].message_id);
}

}  // namespace
}  // namespace yuqing::alerts
