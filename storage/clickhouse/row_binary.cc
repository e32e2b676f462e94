#include "storage/clickhouse/row_binary.h"

#include <bit>
#include <cstring>
#include <limits>

namespace yuqing::clickhouse {
namespace {

static_assert(std::endian::native == std::endian::little, "RowBinary is little-endian; add byte swaps for this target");

template <typename T>
void append_raw(std::string& out, T v) {
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.append(bytes, sizeof v);
}

}  // namespace

void RowBinaryWriter::var_uint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  out_.push_back(char(v));
}

void RowBinaryWriter::uint32(uint32_t v) { append_raw(out_, v); }

void RowBinaryWriter::uint64(uint64_t v) { append_raw(out_, v); }

void RowBinaryWriter::float32(float v) { append_raw(out_, v); }

void RowBinaryWriter::string(std::string_view s) {
  var_uint(s.size());
  out_.append(s);
}

void RowBinaryWriter::datetime(int64_t unix_seconds) {
  const bool fits = unix_seconds >= 0 && unix_seconds <= int64_t(std::numeric_limits<uint32_t>::max());
  uint32(fits ? uint32_t(unix_seconds) : 0);
}

void RowBinaryWriter::nullable_datetime(const std::optional<int64_t>& unix_seconds) {
  uint8(unix_seconds ? 0 : 1);
  if (unix_seconds) datetime(*unix_seconds);
}

void RowBinaryWriter::strings(const std::vector<std::string>& values) {
  var_uint(values.size());
  for (const auto& v : values) string(v);
}

void RowBinaryWriter::string_views(const std::vector<std::string_view>& values) {
  var_uint(values.size());
  for (const auto v : values) string(v);
}

}  // namespace yuqing::clickhouse
