// The offset assumed for a page date written without one: the configured local time by default
// (core/time.h), or the extractor's parameter.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "crawlers/extract/datetime.h"

namespace yuqing::crawlers {

TEST(ExtractDates, AWrittenOffsetWinsElseTheAssumedOne) {
  struct Case {
    std::string text;
    int offset_minutes;
    std::optional<UnixSeconds> t;
  };
  constexpr UnixSeconds k0230Z = 1655519400;  // 2022-06-18T02:30:00Z
  for (const Case& c : std::vector<Case>{{"2022年6月18日 10:30", 480, k0230Z},
                                         {"2022年6月18日 02:30", 0, k0230Z},
                                         {"2022-06-17 21:30", -300, k0230Z},
                                         {"June 18, 2022", 0, k0230Z - 9000},  // midnight UTC
                                         {"2022-06-18T10:30:00+08:00", -300, k0230Z},
                                         {"2022-06-18T02:30:00Z", 480, k0230Z}}) {
    DateReference ref;
    ref.offset_minutes = c.offset_minutes;
    EXPECT_EQ(find_datetime(c.text, ref), c.t) << c.text << " at " << c.offset_minutes;
    EXPECT_EQ(parse_datetime_value(c.text, c.offset_minutes), c.t) << c.text << " at " << c.offset_minutes;
  }
}

TEST(ExtractDates, RelativeDaysAreLocalDays) {
  constexpr UnixSeconds kNow = 1655519400;  // 2022-06-18 10:30 in China, 2022-06-17 21:30 at UTC-5
  DateReference china{kNow, {}};
  EXPECT_EQ(find_datetime("昨天 08:00", china), 1655424000);  // 2022-06-17T08:00+08:00
  DateReference east_coast{kNow, {}, -300};
  EXPECT_EQ(find_datetime("昨天 08:00", east_coast), 1655384400);  // 2022-06-16T08:00-05:00
}

TEST(ExtractDates, TheDefaultIsTheConfiguredLocalTime) {
  EXPECT_EQ(DateReference{}.offset_minutes, local_offset_minutes());
  set_local_offset_minutes(0);
  EXPECT_EQ(find_datetime("2022年6月18日 02:30"), 1655519400);
  EXPECT_EQ(parse_datetime_value("2022-06-18 02:30"), 1655519400);
  set_local_offset_minutes(480);
  EXPECT_EQ(find_datetime("2022年6月18日 10:30"), 1655519400);
}

}  // namespace yuqing::crawlers
