// Against the real broker: idempotent produce acknowledged by delivery reports, consumer groups,
// committed offsets surviving a consumer restart, and drain detection.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "stream/kafka.h"
#include "tests/integration/support.h"

namespace yuqing::kafka {
namespace {

std::vector<Message> drain(Consumer& c, size_t expect_at_least) {
  std::vector<Message> all;
  for (int i = 0; i < 200 && !(all.size() >= expect_at_least && c.at_end()); ++i) {
    Status s;
    auto batch = c.poll(1000, 250, s);
    EXPECT_TRUE(s.is_ok() || s.kind() == Status::Kind::retry_later) << s.to_string();
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

}  // namespace

TEST(Kafka, ProducedMessagesAreAcknowledgedAndConsumedOnce) {
  const Config c = testing::isolated_config("kafka_ack");
  ASSERT_TRUE(ensure_topics(c.kafka)) << "is Kafka running? scripts/services.sh start";
  ASSERT_TRUE(ensure_topics(c.kafka)) << "ensure_topics must accept existing topics";
  Status s;
  auto producer = Producer::create(c.kafka, "test", s);
  ASSERT_TRUE(s) << s.to_string();
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(producer->produce(c.kafka.raw_topic, "k" + std::to_string(i), "v" + std::to_string(i)));
  ASSERT_TRUE(producer->flush(30000));
  EXPECT_EQ(producer->delivered(), 500u);
  EXPECT_EQ(producer->failed(), 0u);

  auto consumer = Consumer::create(c.kafka, c.processor.group, {c.kafka.raw_topic}, s);
  ASSERT_TRUE(s) << s.to_string();
  const auto got = drain(*consumer, 500);
  ASSERT_EQ(got.size(), 500u);
  std::set<std::string> keys;
  for (const auto& m : got) {
    keys.insert(m.key);
    EXPECT_EQ(m.value, "v" + m.key.substr(1));
  }
  EXPECT_EQ(keys.size(), 500u);
  EXPECT_TRUE(consumer->at_end());
}

// Issue 15: one bad item never stops a stage. A topic whose max.message.bytes is below the
// client's limit used to accept a large message into the producer's queue and fail it in the
// delivery report, which failed the whole batch (the stage ended). Now produce() refuses it at once
// (reject: the stage dead-letters it) and the messages around it are delivered.
TEST(Kafka, AMessageOverTheTopicsLimitIsRefusedByProduceNotByTheBroker) {
  const Config c = testing::isolated_config("kafka_limit");
  ASSERT_TRUE(ensure_topic(c.kafka, c.kafka.raw_topic, 1, 30000, {{"max.message.bytes", "4000"}}));
  ASSERT_TRUE(ensure_topics(c.kafka));
  Status s;
  auto producer = Producer::create(c.kafka, "test", s);
  ASSERT_TRUE(s) << s.to_string();
  struct Case { size_t bytes; Status::Kind want; };
  const Case cases[] = {{100, Status::Kind::ok}, {10000, Status::Kind::reject}, {2500, Status::Kind::ok},
                        {3990, Status::Kind::reject}, {200, Status::Kind::ok}};
  size_t accepted = 0;
  for (const auto& k : cases) {
    const Status p = producer->produce(c.kafka.raw_topic, "k" + std::to_string(k.bytes), std::string(k.bytes, 'x'));
    EXPECT_EQ(p.kind(), k.want) << k.bytes << " bytes: " << p.to_string();
    accepted += p.is_ok();
  }
  const Status flushed = producer->flush(30000);
  EXPECT_TRUE(flushed) << flushed.to_string();
  EXPECT_EQ(producer->delivered(), accepted);
  EXPECT_EQ(producer->failed(), 0u);
}

TEST(Kafka, CommittedOffsetsSurviveAConsumerRestart) {
  const Config c = testing::isolated_config("kafka_commit");
  ASSERT_TRUE(ensure_topics(c.kafka));
  Status s;
  auto producer = Producer::create(c.kafka, "test", s);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(producer->produce(c.kafka.raw_topic, "a" + std::to_string(i), "first"));
  ASSERT_TRUE(producer->flush(30000));
  {
    auto consumer = Consumer::create(c.kafka, c.processor.group, {c.kafka.raw_topic}, s);
    const auto first = drain(*consumer, 100);
    ASSERT_EQ(first.size(), 100u);
    ASSERT_TRUE(consumer->commit(first));
  }
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(producer->produce(c.kafka.raw_topic, "b" + std::to_string(i), "second"));
  ASSERT_TRUE(producer->flush(30000));
  auto again = Consumer::create(c.kafka, c.processor.group, {c.kafka.raw_topic}, s);
  const auto rest = drain(*again, 30);
  ASSERT_EQ(rest.size(), 30u) << "a restarted consumer must resume after the committed offsets";
  for (const auto& m : rest) EXPECT_EQ(m.value, "second");
}

TEST(Kafka, UncommittedMessagesAreDeliveredAgain) {
  const Config c = testing::isolated_config("kafka_redeliver");
  ASSERT_TRUE(ensure_topics(c.kafka));
  Status s;
  auto producer = Producer::create(c.kafka, "test", s);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(producer->produce(c.kafka.raw_topic, std::to_string(i), "x"));
  ASSERT_TRUE(producer->flush(30000));
  { auto consumer = Consumer::create(c.kafka, c.processor.group, {c.kafka.raw_topic}, s); ASSERT_EQ(drain(*consumer, 20).size(), 20u); }
  auto again = Consumer::create(c.kafka, c.processor.group, {c.kafka.raw_topic}, s);
  EXPECT_EQ(drain(*again, 20).size(), 20u);
}

TEST(Kafka, RequiredDeliverySettingsCannotBeOverridden) {
  KafkaOptions o = testing::isolated_config("kafka_opts").kafka;
  o.client["enable.idempotence"] = "false";
  Status s;
  EXPECT_EQ(Producer::create(o, "test", s), nullptr);
  EXPECT_EQ(s.kind(), Status::Kind::invalid);
  EXPECT_NE(s.message().find("enable.idempotence"), std::string::npos);
  o.client = {{"no.such.option", "1"}};
  EXPECT_EQ(Producer::create(o, "test", s), nullptr);
  EXPECT_NE(s.message().find("no.such.option"), std::string::npos);
}

TEST(Kafka, DeadLetterRecordKeepsTheOriginalAndTheReason) {
  const Message m{"yuqing.raw", 2, 41, "key", "{broken"};
  const auto j = nlohmann::json::parse(dead_letter_record(m, Status::reject("malformed JSON"), "process"));
  EXPECT_EQ(j["value"], "{broken");
  EXPECT_EQ(j["offset"], 41);
  EXPECT_EQ(j["stage"], "process");
  EXPECT_EQ(j["error"], "rejected: malformed JSON");
}

}  // namespace yuqing::kafka
