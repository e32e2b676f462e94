// The date scanner (crawlers/extract/datetime.h) over any text. Contract checked: never throws;
// matches lie inside the text, in order, at most `max` of them.
#include "crawlers/extract/datetime.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::bytes(data, size);
  constexpr UnixSeconds kNow = 1718677800;  // 2024-06-18T02:30:00Z
  crawlers::DateReference ref;
  ref.now = kNow;
  ref.latest = kNow - 3600;
  ref.offset_minutes = 480;
  const auto matches = crawlers::find_datetimes(text, ref, 8);
  if (matches.size() > 8) fuzz::fail("find_datetimes returned more than max");
  size_t last = 0;
  for (const auto& m : matches) {
    if (m.pos >= m.end || m.end > text.size()) fuzz::fail("match outside the text");
    if (m.pos < last) fuzz::fail("matches out of order");
    last = m.pos;
  }
  (void)crawlers::find_datetime(text);
  (void)crawlers::find_datetime(text, kNow);
  (void)crawlers::parse_datetime_value(text, -300);
  (void)crawlers::ascii_digits(text);
  return 0;
}
