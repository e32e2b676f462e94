#include <gtest/gtest.h>

#include "storage/clickhouse/client.h"
#include "storage/queries/queries.h"

namespace yuqing::queries {

TEST(QueryParameters, TimeBoundsAreRelativeOrStrictLocalDates) {
  TimeBound b;
  ASSERT_TRUE(parse_time_bound("30d", 1000000000, b));
  EXPECT_EQ(*b.instant, 1000000000 - 30 * 86400);
  ASSERT_TRUE(parse_time_bound("12h", 1000000000, b));
  EXPECT_EQ(*b.instant, 1000000000 - 12 * 3600);
  ASSERT_TRUE(parse_time_bound("2026-11-20", 0, b));
  EXPECT_EQ(b.local, "2026-11-20 00:00:00");
  ASSERT_TRUE(parse_time_bound("2026-11-20 08:30", 0, b));
  EXPECT_EQ(b.local, "2026-11-20 08:30:00");
  for (const char* bad : {"30", "30y", "2026-13-01", "2026-11-20'; DROP TABLE documents; --", "yesterday", ""})
    EXPECT_EQ(parse_time_bound(bad, 0, b).kind(), Status::Kind::invalid) << bad;
}

TEST(QueryParameters, IsoWeeks) {
  int y = 0, w = 0;
  ASSERT_TRUE(parse_iso_week("2026-W48", y, w));
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(w, 48);
  EXPECT_TRUE(parse_iso_week("2026-W53", y, w));   // 2026 starts on a Thursday: 53 weeks
  EXPECT_FALSE(parse_iso_week("2025-W53", y, w));  // 52 weeks
  EXPECT_FALSE(parse_iso_week("2026-48", y, w));
  iso_week_of_day(days_from_civil(2026, 11, 29), y, w);  // a Sunday
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(w, 48);
  iso_week_of_day(days_from_civil(2027, 1, 1), y, w);  // belongs to the last week of 2026
  EXPECT_EQ(y, 2026);
  EXPECT_EQ(w, 53);
}

TEST(QuerySql, FilterValuesEnterOnlyAsQuotedLiterals) {
  TrendQuery q;
  q.common.filter.equals = {{Dimension::issue, "x' OR '1'='1"}, {Dimension::place, "运河街道"}};
  std::string sql;
  ASSERT_TRUE(build_trend(q, sql));
  EXPECT_NE(sql.find("issue = " + clickhouse::quote("x' OR '1'='1")), std::string::npos) << sql;
  EXPECT_NE(sql.find("place = '运河街道'"), std::string::npos) << sql;

  q.common.filter.equals = {{Dimension::site, "a\nb"}};
  EXPECT_EQ(build_trend(q, sql).kind(), Status::Kind::invalid);
  q.common.filter.equals.clear();
  q.common.timezone = "Asia/Shanghai'); DROP TABLE documents; --";
  EXPECT_EQ(build_trend(q, sql).kind(), Status::Kind::invalid);
  q.common.timezone = "UTC";
  q.common.window.since = TimeBound{std::nullopt, "2026-11-20' OR 1"};
  EXPECT_EQ(build_trend(q, sql).kind(), Status::Kind::invalid);
}

TEST(QuerySql, DimensionsAndGranularitiesComeFromWhitelists) {
  EXPECT_EQ(dimension_from_string("issue"), Dimension::issue);
  EXPECT_FALSE(dimension_from_string("issue; DROP TABLE x").has_value());
  EXPECT_FALSE(granularity_from_string("year").has_value());
  TrendQuery q;
  q.by = Granularity::week;
  q.split = Dimension::place;
  std::string sql;
  ASSERT_TRUE(build_trend(q, sql));
  EXPECT_NE(sql.find("toMonday(hour, 'Asia/Shanghai')"), std::string::npos) << sql;
  EXPECT_NE(sql.find("GROUP BY bucket, place"), std::string::npos) << sql;

  DocsQuery d;
  d.common.filter.equals = {{Dimension::issue, "教育"}, {Dimension::sentiment, "negative"}};
  ASSERT_TRUE(build_docs(d, sql));
  EXPECT_NE(sql.find("has(issues, '教育')"), std::string::npos) << sql;
  EXPECT_NE(sql.find("sentiment_label = 'negative'"), std::string::npos) << sql;
  EXPECT_NE(sql.find("category_l1 AS category"), std::string::npos) << "analysts see each document's class";
  d.limit = 0;
  EXPECT_EQ(build_docs(d, sql).kind(), Status::Kind::invalid);

  StoriesQuery s;
  s.common.filter.equals = {{Dimension::site, "x"}};
  EXPECT_EQ(build_stories(s, sql).kind(), Status::Kind::invalid);
}

TEST(QueryValues, AnalystsNamesResolveToStoredValues) {
  const std::vector<std::string> stored = {"", "老旧小区与棚户区改造", "保障性住房", "教育", "教育收费"};
  std::string v;
  ASSERT_TRUE(match_value(stored, Dimension::issue, "教育", v));
  EXPECT_EQ(v, "教育");  // exact wins over the longer 教育收费
  ASSERT_TRUE(match_value(stored, Dimension::issue, "老旧小区改造", v));
  EXPECT_EQ(v, "老旧小区与棚户区改造");
  ASSERT_TRUE(match_value(stored, Dimension::issue, "保障", v));
  EXPECT_EQ(v, "保障性住房");
  const Status none = match_value(stored, Dimension::issue, "交通", v);
  EXPECT_EQ(none.kind(), Status::Kind::invalid);
  EXPECT_NE(none.message().find("保障性住房"), std::string::npos) << "the error lists what is stored";
  EXPECT_EQ(match_value({"教育收费", "教育督导"}, Dimension::issue, "教育", v).kind(), Status::Kind::invalid);
}

}  // namespace yuqing::queries
