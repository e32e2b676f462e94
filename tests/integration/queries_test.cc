// Against the real ClickHouse server: rollups stay exact under replays, and each analysts' query
// answers with the counts the inserted documents imply.
#include <gtest/gtest.h>

#include <map>

#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "storage/sink.h"
#include "storage/queries/queries.h"
#include "tests/integration/support.h"

namespace yuqing::queries {
namespace {

// 2026-11-16 00:00 China Standard Time (a Monday, ISO week 2026-W47).
constexpr UnixSeconds kWeek47 = 1794758400;

EnrichedDocument doc(int i, UnixSeconds at, const std::string& issue, const std::string& place, const std::string& sentiment) {
  EnrichedDocument e;
  e.doc.id = make_document_id("http://q/" + std::to_string(i));
  e.doc.url = "http://q/" + std::to_string(i);
  e.doc.site = i % 2 ? "forum" : "news";
  e.doc.title = "标题 " + std::to_string(i);
  e.doc.text = "文本 " + std::to_string(i);
  e.doc.published_at = at;
  e.doc.fetched_at = at + 60;
  e.processed_at = at + 120;
  if (!issue.empty()) e.tags.issues.push_back({issue, {"区住房城乡建设局"}, 1, {}});
  if (!place.empty()) e.tags.places.push_back(place);
  e.tags.sentiment_label = sentiment;
  e.tags.keywords = {"加装电梯", i % 3 ? "物业" : "停车"};
  e.tags.content_hash = "story" + std::to_string(i % 3);
  return e;
}

class Queries : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::isolated_config("queries");
    std::vector<std::string> applied;
    ASSERT_TRUE(clickhouse::migrate(config_.clickhouse, clickhouse::embedded_migrations(), applied));
    client_ = std::make_unique<clickhouse::Client>(config_.clickhouse);
    // Week 47: 4 documents on 老旧小区与棚户区改造 (2 negative), 1 on 教育. Week 48: 10 on the first
    // (5 negative, 8 in 运河街道), 2 on 教育. Every row is inserted twice, in separate blocks, the way
    // a replay after a crash would insert it.
    std::string rows;
    int n = 0;
    for (int i = 0; i < 4; ++i) rows += clickhouse::to_row(doc(n++, kWeek47 + 86400 * i, kIssue, "邳庄镇", i % 2 ? "negative" : "neutral"));
    rows += clickhouse::to_row(doc(n++, kWeek47 + 3600, "教育", "", "positive"));
    for (int i = 0; i < 10; ++i)
      rows += clickhouse::to_row(doc(n++, kWeek47 + 7 * 86400 + 3600 * i, kIssue, i < 8 ? "运河街道" : "", i % 2 ? "negative" : "neutral"));
    for (int i = 0; i < 2; ++i) rows += clickhouse::to_row(doc(n++, kWeek47 + 8 * 86400, "教育", "运河街道", "neutral"));
    for (int replay = 0; replay < 2; ++replay) {
      auto r = client_->execute("INSERT INTO documents FORMAT JSONEachRow", rows);
      ASSERT_TRUE(r.status) << r.status.to_string();
    }
  }
  void TearDown() override { testing::drop_database(config_); }

  Table query(const std::string& sql) {
    Table t;
    const Status s = run(*client_, sql, t);
    EXPECT_TRUE(s) << s.to_string() << "\n" << sql;
    return t;
  }

  static Common week48() {
    Common c;
    c.window.since = TimeBound{std::nullopt, "2026-11-23 00:00:00"};
    c.window.until = TimeBound{std::nullopt, "2026-11-30 00:00:00"};
    return c;
  }

  static constexpr const char* kIssue = "老旧小区与棚户区改造";
  Config config_;
  std::unique_ptr<clickhouse::Client> client_;
};

}  // namespace

TEST_F(Queries, TrendCountsEachDocumentOnceDespiteReplays) {
  TrendQuery q;
  q.common = week48();
  q.common.filter.equals = {{Dimension::issue, kIssue}};
  q.by = Granularity::week;
  std::string sql;
  ASSERT_TRUE(build_trend(q, sql));
  auto t = query(sql);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"bucket", "documents", "negative", "negative_share"}));
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"2026-11-23", "10", "5", "0.5"}));

  q.common.filter.equals.push_back({Dimension::place, "运河街道"});
  q.by = Granularity::day;
  ASSERT_TRUE(build_trend(q, sql));
  t = query(sql);
  ASSERT_EQ(t.rows.size(), 1u);  // all 8 on Monday 23rd, local time
  EXPECT_EQ(t.rows[0][0], "2026-11-23");
  EXPECT_EQ(t.rows[0][1], "8");

  // Split by issue over both weeks: every document once per issue, and the total stays exact.
  q.common.filter.equals.clear();
  q.common.window.since = TimeBound{std::nullopt, "2026-11-16 00:00:00"};
  q.by = Granularity::month;
  q.split = Dimension::issue;
  ASSERT_TRUE(build_trend(q, sql));
  t = query(sql);
  std::map<std::string, std::string> by_issue;
  for (const auto& r : t.rows) by_issue[r[1]] = r[2];
  EXPECT_EQ(by_issue[kIssue], "14");
  EXPECT_EQ(by_issue["教育"], "3");
}

TEST_F(Queries, TopIssuesRankByWeekOverWeekRise) {
  TopIssuesQuery q;
  ASSERT_TRUE(parse_iso_week("2026-W48", q.iso_year, q.iso_week));
  std::string sql;
  ASSERT_TRUE(build_top_issues(q, sql));
  auto t = query(sql);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][0], kIssue);
  EXPECT_EQ(t.rows[0][1], "10");  // this week
  EXPECT_EQ(t.rows[0][2], "4");   // last week
  EXPECT_EQ(t.rows[0][3], "6");
  EXPECT_EQ(t.rows[0][5], "0.5");
  EXPECT_EQ(t.rows[1][0], "教育");
  EXPECT_EQ(t.rows[1][3], "1");
}

TEST_F(Queries, KeywordsStoriesAndDocuments) {
  KeywordsQuery k;
  k.common.window.since = TimeBound{std::nullopt, "2026-11-01 00:00:00"};
  k.common.window.until = TimeBound{std::nullopt, "2026-12-01 00:00:00"};
  std::string sql;
  ASSERT_TRUE(build_keywords(k, sql));
  auto t = query(sql);
  ASSERT_FALSE(t.rows.empty());
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"加装电梯", "17"}));

  k.emerging = true;
  k.recent_days = 7;
  k.common.window.until = TimeBound{std::nullopt, "2026-11-29 00:00:00"};
  ASSERT_TRUE(build_keywords(k, sql));
  t = query(sql);
  ASSERT_FALSE(t.rows.empty());
  EXPECT_EQ(t.columns[1], "recent");

  StoriesQuery s;
  s.common = week48();
  s.common.window.since = TimeBound{std::nullopt, "2026-11-01 00:00:00"};
  ASSERT_TRUE(build_stories(s, sql));
  t = query(sql);
  ASSERT_EQ(t.rows.size(), 3u);  // content hashes story0..story2
  uint64_t total = 0;
  for (const auto& r : t.rows) total += std::stoull(r[1]);
  EXPECT_EQ(total, 17u);
  EXPECT_EQ(t.rows[0][2], "2");  // both sites

  DocsQuery d;
  d.common = week48();
  d.common.filter.equals = {{Dimension::issue, kIssue}, {Dimension::sentiment, "negative"}};
  d.limit = 100;
  ASSERT_TRUE(build_docs(d, sql));
  t = query(sql);
  EXPECT_EQ(t.rows.size(), 5u) << "the negative documents behind the week-48 trend number, once each";
}

TEST_F(Queries, FilterValuesResolveToStoredOnesAndHostileTextStaysALiteral) {
  std::string stored;
  ASSERT_TRUE(resolve_value(*client_, Dimension::issue, "老旧小区改造", stored));
  EXPECT_EQ(stored, kIssue);
  EXPECT_EQ(resolve_value(*client_, Dimension::place, "不存在", stored).kind(), Status::Kind::invalid);

  TrendQuery q;
  q.common.filter.equals = {{Dimension::issue, "x' OR 1=1 OR issue='"}, {Dimension::site, "a\\' UNION SELECT 1 --"}};
  std::string sql;
  ASSERT_TRUE(build_trend(q, sql));
  const auto t = query(sql);
  EXPECT_TRUE(t.rows.empty()) << "a quoted value must match nothing, not widen the filter";
}

}  // namespace yuqing::queries
