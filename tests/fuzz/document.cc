// The Kafka message decoder (core/document.h): the bytes as a yuqing.raw/1 and a
// yuqing.enriched/1 message, as the processor and the sink read them. Contract checked: never
// throws (a bad message is a `reject` Status); what parses re-encodes to JSON that parses again
// to the same JSON.
#include "core/document.h"
#include "tests/fuzz/fuzz.h"

using namespace yuqing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::bytes(data, size);
  Document d;
  if (parse_document(in, d)) {
    const std::string json = to_json(d);
    Document again;
    if (!parse_document(json, again)) fuzz::fail("to_json of a parsed document does not parse", json);
    if (to_json(again) != json) fuzz::fail("document round trip changed", json);
  }
  EnrichedDocument e;
  if (parse_enriched(in, e)) {
    const std::string json = to_json(e);
    EnrichedDocument again;
    if (!parse_enriched(json, again)) fuzz::fail("to_json of a parsed enriched document does not parse", json);
    if (to_json(again) != json) fuzz::fail("enriched round trip changed", json);
  }
  return 0;
}
