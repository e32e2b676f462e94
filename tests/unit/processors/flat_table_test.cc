#include "processors/text/flat_table.h"

#include <gtest/gtest.h>

#include <unordered_map>

namespace yuqing::processors {
namespace {

TEST(FlatTable, AgreesWithUnorderedMapThroughManyRehashes) {
  FlatTable<uint32_t> table;  // starts at 16 slots: 100k keys force a dozen rehashes
  std::unordered_map<uint64_t, uint32_t> reference;
  uint64_t x = 88172645463325252ull;  // xorshift: keys spread over all 64 bits, some colliding low bits
  for (uint32_t i = 0; i < 100000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const uint64_t key = (i % 3 == 0) ? (x | 1) : (uint64_t(i % 5000 + 1) << 21 | (i % 7));  // repeats too
    table[key] += i;
    reference[key] += i;
  }
  ASSERT_EQ(table.size(), reference.size());
  for (const auto& [key, value] : reference) {
    const uint32_t* found = table.find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value) << key;
  }
  EXPECT_EQ(table.find(2), nullptr);  // never inserted: (i % 3 == 0) keys are odd, the others have bit 21+ set
}

TEST(FlatTable, ReserveKeepsEntriesAndMissingKeysAreNull) {
  FlatTable<float> table(4);
  table[7] = 0.5f;
  table[7 << 21] = -1.5f;
  table.reserve(10000);
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find(7), nullptr);
  EXPECT_FLOAT_EQ(*table.find(7), 0.5f);
  EXPECT_FLOAT_EQ(*table.find(7 << 21), -1.5f);
  EXPECT_EQ(table.find(8), nullptr);
  table[7] = 2.0f;  // overwrite, no new entry
  EXPECT_EQ(table.size(), 2u);
  EXPECT_FLOAT_EQ(*table.find(7), 2.0f);
}

}  // namespace
}  // namespace yuqing::processors
