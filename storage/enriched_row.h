// The sink's per-message path: one yuqing.enriched/1 message (JSON) straight into its RowBinary row
// for the documents table, without the EnrichedDocument in between.
//
// Contract: append_row(message, out) appends exactly the bytes that parse_enriched (core/document.h)
// followed by to_row_binary (storage/sink.h) would append, or, for a message they reject, appends
// nothing and returns the same `reject` Status (same message). It never throws.
//
// How: the message is parsed with simdjson (the DOM of one message in a parser reused across
// messages) and the row is written from string views into that parse: no per-field strings, and
// tags_json is written directly in the form nlohmann::json::dump gives to_json_value(tags) (keys in
// sorted order, the same escapes and numbers). Whatever the fast reader does not take as a plainly
// valid message - malformed JSON, a failed check, a known key twice in one object (nlohmann keeps
// the last), nesting deeper than simdjson's limit, an integer beyond 64 bits, a byte-order mark - is
// handed to parse_enriched + to_row_binary, which decide and name the reason, so the rows and the
// dead-letter reasons stay theirs by construction. tests/unit/storage/enriched_row_test.cc checks both
// paths against each other on a table of messages.
//
// One reader per thread (it owns the parser's buffers).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace yuqing::clickhouse {

class EnrichedRowReader {
 public:
  EnrichedRowReader();
  ~EnrichedRowReader();
  EnrichedRowReader(const EnrichedRowReader&) = delete;
  EnrichedRowReader& operator=(const EnrichedRowReader&) = delete;

  Status append_row(std::string_view message, std::string& out);

  // Messages handed to parse_enriched + to_row_binary (rejected ones included).
  uint64_t slow_reads() const { return slow_reads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t slow_reads_ = 0;
};

}  // namespace yuqing::clickhouse
