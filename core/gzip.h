// gzip (RFC 1952) over zlib, for the places the project meets it: request bodies to ClickHouse
// (Content-Encoding: gzip), .xml.gz sitemaps the crawler reads and the sandbox serves, .html.gz
// pages `yuqing extract` accepts.
//
// gzip() writes one member with zlib's plain header (no name, mtime 0), so the same input always
// gives the same bytes. gunzip() inflates one or more concatenated members and answers nullopt for
// corrupt or truncated data and for output beyond `max_bytes` (a gzip bomb).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace yuqing {

bool is_gzip(std::string_view data);  // the magic bytes 1f 8b
std::string gzip(std::string_view data, int level = 6);
std::optional<std::string> gunzip(std::string_view data, size_t max_bytes);

}  // namespace yuqing
