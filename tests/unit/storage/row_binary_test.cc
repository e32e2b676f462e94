// RowBinary, value by value: the bytes ClickHouse expects for each type the sink writes (the
// encodings of storage/clickhouse/row_binary.h; tests/integration/clickhouse_test.cc reads whole
// rows back from the real server).
#include "storage/clickhouse/row_binary.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/document.h"
#include "storage/sink.h"

namespace yuqing::clickhouse {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(RowBinary, EachTypeIsWrittenAsClickHouseReadsIt) {
  struct Case {
    const char* type;
    std::function<void(RowBinaryWriter&)> write;
    std::string bytes;  // hex
  };
  const std::string a200(200, 'a');
  const std::vector<Case> cases = {
      {"UInt8 7", [](auto& w) { w.uint8(7); }, "07"},
      {"UInt32 1655519400", [](auto& w) { w.uint32(1655519400); }, "a8 38 ad 62"},
      {"UInt64 1 (little-endian)", [](auto& w) { w.uint64(1); }, "01 00 00 00 00 00 00 00"},
      {"UInt64 max", [](auto& w) { w.uint64(UINT64_MAX); }, "ff ff ff ff ff ff ff ff"},
      {"Float32 0.5", [](auto& w) { w.float32(0.5f); }, "00 00 00 3f"},
      {"Float32 -1", [](auto& w) { w.float32(-1.0f); }, "00 00 80 bf"},
      {"VarUInt 0", [](auto& w) { w.var_uint(0); }, "00"},
      {"VarUInt 127 (one byte)", [](auto& w) { w.var_uint(127); }, "7f"},
      {"VarUInt 128 (two bytes, low group first)", [](auto& w) { w.var_uint(128); }, "80 01"},
      {"VarUInt 300", [](auto& w) { w.var_uint(300); }, "ac 02"},
      {"String empty", [](auto& w) { w.string(""); }, "00"},
      {"String ab", [](auto& w) { w.string("ab"); }, "02 61 62"},
      {"String 文 (UTF-8 bytes, length in bytes)", [](auto& w) { w.string("文"); }, "03 e6 96 87"},
      {"String with quote, backslash, newline, NUL (nothing escaped)",
       [](auto& w) { w.string(std::string("'\\\n\0", 4)); }, "04 27 5c 0a 00"},
      {"String of 200 bytes (two-byte length)", [&](auto& w) { w.string(a200); },
       "c8 01 " + hex(a200)},
      {"DateTime 2022-06-18 02:30:00 UTC", [](auto& w) { w.datetime(1655519400); }, "a8 38 ad 62"},
      {"DateTime before 1970: 0, as 18.16 stores it", [](auto& w) { w.datetime(-1); }, "00 00 00 00"},
      {"DateTime after 2106: 0, as 18.16 stores it", [](auto& w) { w.datetime(int64_t(1) << 32); }, "00 00 00 00"},
      {"DateTime last second", [](auto& w) { w.datetime(UINT32_MAX); }, "ff ff ff ff"},
      {"Nullable(DateTime) NULL", [](auto& w) { w.nullable_datetime(std::nullopt); }, "01"},
      {"Nullable(DateTime) value", [](auto& w) { w.nullable_datetime(1655519400); }, "00 a8 38 ad 62"},
      {"Array(String) empty", [](auto& w) { w.strings({}); }, "00"},
      {"Array(String) [a, bc]", [](auto& w) { w.strings({"a", "bc"}); }, "02 01 61 02 62 63"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type);
    std::string out = "x";  // the writer appends
    RowBinaryWriter w(out);
    c.write(w);
    EXPECT_EQ(hex(out.substr(1)), c.bytes);
    EXPECT_EQ(out[0], 'x');
  }
}

TEST(RowBinary, SinkRowsConcatenateIntoABatch) {
  EnrichedDocument e;
  e.doc.id = "abc";
  e.doc.text = "正文";
  e.doc.fetched_at = 1655519400;
  e.processed_at = 1655519500;
  std::string one, two;
  to_row_binary(e, one);
  to_row_binary(e, two);
  two += one;
  EXPECT_EQ(two, one + one) << "no separator, no terminator";
  EXPECT_EQ(hex(one.substr(0, 4)), "03 61 62 63") << "the first column is id";
  // The last columns: version (UInt64 processed_at), then story_id (empty).
  EXPECT_EQ(hex(one.substr(one.size() - 9)), "0c 39 ad 62 00 00 00 00 00");
}

}  // namespace
}  // namespace yuqing::clickhouse
