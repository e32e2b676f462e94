#include "core/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace yuqing {

namespace {
constexpr int kGzipWindowBits = 16 + MAX_WBITS;  // +16: a gzip wrapper, not zlib's
}

bool is_gzip(std::string_view data) { return data.size() >= 2 && data[0] == '\x1f' && data[1] == '\x8b'; }

std::string gzip(std::string_view data, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, uLong(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);  // the buffer holds deflateBound: one call finishes
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

std::optional<std::string> gunzip(std::string_view data, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) return std::nullopt;
  std::string out;
  char buf[1 << 15];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > max_bytes) {
      rc = Z_BUF_ERROR;
      break;
    }
    if (rc == Z_STREAM_END) {
      // Concatenated members (RFC 1952 §2.2) continue the same file; trailing zero padding ends it.
      const std::string_view rest(reinterpret_cast<const char*>(z.next_in), z.avail_in);
      if (!is_gzip(rest)) break;
      if (inflateReset(&z) != Z_OK) break;
    } else if (z.avail_in == 0 && z.avail_out != 0) {
      break;  // input ended before the stream did: truncated
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace yuqing
