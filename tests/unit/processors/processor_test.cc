// The processor stage without Kafka: its transform (enrich) and process_stage on the fakes of
// tests/unit/stream/fakes.h.
#include "processors/processor.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/stream/fakes.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

Document raw(int i) {
  Document d;
  d.url = "http://sandbox/" + std::to_string(i);
  d.id = make_document_id(d.url);
  d.site = "test";
  d.title = "学校门口道路拥堵";
  d.text = "家长反映学校门口早高峰拥堵 " + std::to_string(i);
  d.fetched_at = 1655519400 + i;
  return d;
}

TEST(Processor, EnrichMakesOneRecordKeyedByTheDocumentId) {
  const stream::Message m{"yuqing.raw", 0, 7, "k", to_json(raw(1))};
  std::vector<stream::Record> out;
  ASSERT_TRUE(enrich(analyzer(), m, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, raw(1).id);
  EnrichedDocument e;
  ASSERT_TRUE(parse_enriched(out[0].value, e)) << out[0].value;
  EXPECT_EQ(e.doc.id, raw(1).id);
  EXPECT_EQ(e.doc.text, raw(1).text);
  EXPECT_GT(e.processed_at, 0);
}

TEST(Processor, EnrichRefusesWhatIsNotARawDocument) {
  const struct {
    const char* name;
    std::string value;
  } cases[] = {
      {"not JSON", "{broken"},
      {"no fields", "{}"},
      {"another schema", R"({"schema":"yuqing.enriched/1","id":"x"})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<stream::Record> out;
    const Status s = enrich(analyzer(), {"yuqing.raw", 0, 0, "k", c.value}, out);
    EXPECT_FALSE(s.is_ok());
    EXPECT_TRUE(out.empty());
  }
}

TEST(Processor, StageProducesEnrichedAndDeadLettersAndCommitsAfterTheFlush) {
  const Config config;
  fakes::FakeConsumer consumer(fakes::messages({to_json(raw(1)), "{broken", to_json(raw(2)), to_json(raw(3))}, 2,
                                               config.kafka.raw_topic));
  fakes::FakeProducer producer;
  producer.flush_results = {Status::retry_later("broker away")};  // the first flush is retried
  bool pending_at_commit = false;
  consumer.on_commit = [&](const std::vector<stream::Message>&) { pending_at_commit |= !producer.pending.empty(); };
  ProcessStats stats;
  ASSERT_TRUE(process_stage(consumer, producer, config, analyzer(), ProcessRun{true, 0}, stats));
  EXPECT_EQ(stats.consumed, 4u);
  EXPECT_EQ(stats.enriched, 3u);
  EXPECT_EQ(stats.dead_lettered, 1u);
  EXPECT_EQ(consumer.committed_messages(), 4u);
  EXPECT_FALSE(pending_at_commit) << "committed before Kafka acknowledged the output";
  EXPECT_EQ(producer.produce_calls, 4) << "the retry flushes again, it does not produce again";

  const auto enriched = producer.delivered_to(config.kafka.enriched_topic);
  ASSERT_EQ(enriched.size(), 3u);
  EXPECT_EQ(enriched[0].key, raw(1).id);
  const auto dead = producer.delivered_to(config.kafka.dead_letter_topic);
  ASSERT_EQ(dead.size(), 1u);
  const auto j = nlohmann::json::parse(dead[0].value);
  EXPECT_EQ(j["stage"], "process");
  EXPECT_EQ(j["value"], "{broken");
  EXPECT_EQ(j["error"], "rejected: malformed JSON");
}

TEST(Processor, StageStopsWithoutCommitWhenDeliveryFails) {
  const Config config;
  fakes::FakeConsumer consumer(fakes::messages({to_json(raw(1)), to_json(raw(2))}, 2, config.kafka.raw_topic));
  fakes::FakeProducer producer;
  producer.flush_results = {Status::fatal("kafka delivery to yuqing.enriched: message too large")};
  ProcessStats stats;
  EXPECT_EQ(process_stage(consumer, producer, config, analyzer(), ProcessRun{true, 0}, stats).kind(),
            Status::Kind::fatal);
  EXPECT_EQ(consumer.commits, 0);
  EXPECT_EQ(consumer.committed_messages(), 0u);
}

}  // namespace
}  // namespace yuqing::processors
