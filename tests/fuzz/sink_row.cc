// The sink's fast reader (storage/enriched_row.h) against the path it stands for: the bytes as a
// Kafka message on yuqing.enriched. Contract checked: EnrichedRowReader::append_row gives exactly the
// row bytes of parse_enriched + to_row_binary, or the same reject Status (kind and message), and
// never throws.
#include "core/document.h"
#include "storage/enriched_row.h"
#include "storage/sink.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static clickhouse::EnrichedRowReader reader;  // reused, as the sink reuses its buffers
  const std::string_view in = fuzz::bytes(data, size);
  std::string fast, slow;
  const Status a = reader.append_row(in, fast);
  EnrichedDocument d;
  const Status b = parse_enriched(in, d);
  if (b) clickhouse::to_row_binary(d, slow);
  if (a.kind() != b.kind() || a.message() != b.message()) fuzz::fail("fast reader: another status", a.to_string() + " | " + b.to_string());
  if (fast != slow) fuzz::fail("fast reader: another row", in);
  return 0;
}
