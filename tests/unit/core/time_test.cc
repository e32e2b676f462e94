#include "core/time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

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

namespace yuqing {

// Sets the process-wide offset for one test and restores China time afterwards.
struct OffsetScope {
  explicit OffsetScope(int minutes) { set_local_offset_minutes(minutes); }
  ~OffsetScope() { set_local_offset_minutes(480); }
};

TEST(Time, LocalOffsetIsChinaTimeUntilSet) {
  EXPECT_EQ(local_offset_minutes(), 480);
  {
    OffsetScope utc_minus_5(-300);
    EXPECT_EQ(local_offset_minutes(), -300);
    EXPECT_EQ(format_iso8601(1655519400), "2022-06-17T21:30:00-05:00");
  }
  EXPECT_EQ(format_iso8601(1655519400), "2022-06-18T10:30:00+08:00");
}

TEST(Time, CivilFromDaysInvertsDaysFromCivil) {
  struct Case {
    std::int64_t days;
    CivilDate date;
  };
  for (const Case& c : std::vector<Case>{{0, {1970, 1, 1}},
                                         {-1, {1969, 12, 31}},
                                         {59, {1970, 3, 1}},
                                         {11016, {2000, 2, 29}},
                                         {20002, {2024, 10, 6}},
                                         {20760, {2026, 11, 3}},
                                         {-719468, {0, 3, 1}}}) {
    const CivilDate d = civil_from_days(c.days);
    EXPECT_EQ(d.year, c.date.year) << c.days;
    EXPECT_EQ(d.month, c.date.month) << c.days;
    EXPECT_EQ(d.day, c.date.day) << c.days;
    EXPECT_EQ(days_from_civil(c.date.year, c.date.month, c.date.day), c.days);
  }
  for (std::int64_t days = -800; days < 80000; days += 37) {
    const CivilDate d = civil_from_days(days);
    ASSERT_EQ(days_from_civil(d.year, d.month, d.day), days);
  }
  EXPECT_EQ(format_day(20760), "2026-11-03");
}

TEST(Time, LocalDayAndHourAtAnOffset) {
  struct Case {
    UnixSeconds t;
    int offset_minutes;
    std::string day;
    int hour;
  };
  // 2022-06-17T16:30:00Z
  for (const Case& c : std::vector<Case>{{1655483400, 480, "2022-06-18", 0},
                                         {1655483400, 0, "2022-06-17", 16},
                                         {1655483400, -300, "2022-06-17", 11},
                                         {1655483400, 420, "2022-06-17", 23},
                                         {1655481600 - 1, 480, "2022-06-17", 23},
                                         {-1, 0, "1969-12-31", 23}}) {
    EXPECT_EQ(format_day(local_day(c.t, c.offset_minutes)), c.day) << c.t << " at " << c.offset_minutes;
    EXPECT_EQ(local_hour(c.t, c.offset_minutes), c.hour) << c.t << " at " << c.offset_minutes;
  }
  EXPECT_EQ(format_day(local_day(1655483400)), "2022-06-18");  // the default: China time
}

TEST(Time, WeekdaysAndIsoWeeks) {
  EXPECT_EQ(weekday_from_monday(0), 3);   // 1970-01-01, a Thursday
  EXPECT_EQ(weekday_from_monday(-4), 6);  // a Sunday
  struct Case {
    CivilDate date;
    int iso_year, iso_week;
  };
  for (const Case& c : std::vector<Case>{{{2026, 11, 29}, 2026, 48},  // a Sunday
                                         {{2026, 11, 30}, 2026, 49},
                                         {{2027, 1, 1}, 2026, 53},    // the last week of 2026
                                         {{2024, 12, 30}, 2025, 1},   // the first week of 2025
                                         {{2021, 1, 3}, 2020, 53},
                                         {{2026, 1, 1}, 2026, 1}}) {
    int y = 0, w = 0;
    iso_week_of_day(days_from_civil(c.date.year, c.date.month, c.date.day), y, w);
    EXPECT_EQ(y, c.iso_year) << format_day(days_from_civil(c.date.year, c.date.month, c.date.day));
    EXPECT_EQ(w, c.iso_week) << format_day(days_from_civil(c.date.year, c.date.month, c.date.day));
  }
  EXPECT_EQ(format_day(iso_week1_monday(2026)), "2025-12-29");
}

TEST(Time, LocalTextWithoutAnOffsetIsAtTheOffset) {
  struct Case {
    std::string text;
    int offset_minutes;
    std::optional<UnixSeconds> t;
  };
  for (const Case& c : std::vector<Case>{{"2022-06-18 10:30:00", 480, 1655519400},
                                         {"2022-06-18T10:30", 480, 1655519400},
                                         {"2022-06-18 02:30:00", 0, 1655519400},
                                         {"2022-06-17T21:30:00", -300, 1655519400},
                                         {"2022-06-18T02:30:00Z", -300, 1655519400},       // an explicit zone wins
                                         {"2022-06-18T10:30:00+08:00", 0, 1655519400},
                                         {"2022-06-18", 480, 1655481600},
                                         {"2022-06-18 25:00:00", 480, std::nullopt}}) {
    EXPECT_EQ(parse_iso8601_local(c.text, c.offset_minutes), c.t) << c.text << " at " << c.offset_minutes;
  }
  EXPECT_EQ(parse_iso8601_local("2022-06-18 10:30:00"), 1655519400);  // the default: China time
}

TEST(Time, Rfc5322DatesAtTheOffset) {
  struct Case {
    UnixSeconds t;
    int offset_minutes;
    std::string text;
  };
  for (const Case& c : std::vector<Case>{{1796212800, 480, "Wed, 02 Dec 2026 20:00:00 +0800"},
                                         {1796212800, 0, "Wed, 02 Dec 2026 12:00:00 +0000"},
                                         {1796212800, -300, "Wed, 02 Dec 2026 07:00:00 -0500"},
                                         {1796212800, 330, "Wed, 02 Dec 2026 17:30:00 +0530"},
                                         {1796212800 - 13 * 3600, 480, "Wed, 02 Dec 2026 07:00:00 +0800"},
                                         {1796212800 - 13 * 3600, 0, "Tue, 01 Dec 2026 23:00:00 +0000"},
                                         {0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"}})
    EXPECT_EQ(format_rfc5322(c.t, c.offset_minutes), c.text) << c.t << " at " << c.offset_minutes;
  EXPECT_EQ(format_rfc5322(1796212800), "Wed, 02 Dec 2026 20:00:00 +0800");
}

}  // namespace yuqing
