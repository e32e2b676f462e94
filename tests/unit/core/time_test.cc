#include "core/time.h"

#include <gtest/gtest.h>

namespace yuqing {

TEST(Time, FormatsChinaStandardTimeWithOffset) {
  EXPECT_EQ(format_iso8601(1655519400), "2022-06-18T10:30:00+08:00");
  EXPECT_EQ(format_iso8601(1655519400, 0), "2022-06-18T02:30:00Z");
}

TEST(Time, ParsesOffsetsAndZulu) {
  EXPECT_EQ(parse_iso8601("2022-06-18T10:30:00+08:00"), 1655519400);
  EXPECT_EQ(parse_iso8601("2022-06-18T02:30:00Z"), 1655519400);
  EXPECT_EQ(parse_iso8601("2022-06-18T10:30+0800"), 1655519400);
  EXPECT_EQ(parse_iso8601("2022-06-18 02:30:00"), 1655519400);
  EXPECT_EQ(parse_iso8601("2022-06-18T02:30:00.250Z"), 1655519400);
}

TEST(Time, RejectsMalformedText) {
  EXPECT_FALSE(parse_iso8601("2022-13-01"));
  EXPECT_FALSE(parse_iso8601("18/06/2022"));
  EXPECT_FALSE(parse_iso8601("2022-06-18T25:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2022-06-18T10:30:00+08:00 trailing"));
}

TEST(Time, RoundTripsThroughClickHouseForm) {
  EXPECT_EQ(format_clickhouse_utc(1655519400), "2022-06-18 02:30:00");
  EXPECT_EQ(parse_iso8601(format_clickhouse_utc(1655519400)), 1655519400);
}

}  // namespace yuqing
