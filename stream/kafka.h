// Kafka adapter: the only place that talks to librdkafka.
//
// Contract (Consumer and Producer implement stream/stream.h's interfaces for the stage loop)
// - Producer is idempotent (enable.idempotence=true, hence acks=all). produce() only enqueues;
//   it refuses (Status reject) a message larger than the pipeline topics accept (their
//   max.message.bytes, read from the broker at create()), so the broker never fails one in a
//   delivery report for its size;
//   a message counts as accepted when its delivery report says so. flush() blocks until every
//   enqueued message has its report and returns the first failure since the previous flush, so a
//   caller that commits its own input after a successful flush() never loses a message.
// - Consumer never auto-commits. commit() stores, for each partition in the batch, the offset after
//   the highest message given; call it only after the next stage durably accepted those messages.
//   On a rebalance, uncommitted messages are re-delivered to the new owner (at-least-once); a
//   commit for a partition that moved away fails (retry_later) and the caller may ignore it.
//   Rebalancing is cooperative (cooperative-sticky) unless kafka.client sets another
//   partition.assignment.strategy: members keep their other partitions while some move.
// - A transactional Producer (create_transactional) writes its messages and the consumer's offsets
//   in one Kafka transaction: begin(), produce()..., commit_with_offsets(). Readers in
//   read_committed mode (librdkafka's default) see the messages if and only if the offsets were
//   committed, so a crash at any point neither loses nor repeats them. A restarted process with the
//   same transactional id fences and aborts its predecessor's open transaction.
// - at_end() reports that every assigned partition has been read to its end (drain mode for batch
//   runs and tests).
// - Errors are translated to Status in kafka.cc only: broker/transport trouble is retry_later,
//   configuration and authentication problems are fatal.
// Neither class is thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "stream/stream.h"

struct rd_kafka_s;
struct rd_kafka_message_s;

namespace yuqing::kafka {

using stream::dead_letter_record;
using stream::Message;

// Creates the pipeline's topics (raw, enriched, dead-letter) when missing; existing ones are kept.
// Both functions return once the broker's metadata lists each topic with a leader per partition.
Status ensure_topics(const KafkaOptions& options, int timeout_ms = 30000);
// Creates one topic with `partitions` partitions and the given topic settings (max.message.bytes…)
// when missing (an existing one is kept as it is).
Status ensure_topic(const KafkaOptions& options, const std::string& name, int partitions, int timeout_ms = 30000,
                    const std::map<std::string, std::string>& topic_config = {});

class Consumer;

class Producer final : public stream::Producer {
 public:
  static std::unique_ptr<Producer> create(const KafkaOptions& options, const std::string& client_id, Status& error);
  // A producer whose messages commit atomically with a consumer's offsets; blocks until the
  // transaction coordinator registered `transactional_id` (and aborted a predecessor's transaction).
  static std::unique_ptr<Producer> create_transactional(const KafkaOptions& options, const std::string& transactional_id,
                                                        Status& error);
  ~Producer() override;
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one message; waits (serving delivery reports) while the local queue is full.
  Status produce(const std::string& topic, std::string_view key, std::string_view value) override;
  // Blocks until every enqueued message is acknowledged or failed; see the contract above.
  Status flush(int timeout_ms) override;

  // Transactions (create_transactional only). begin() is a no-op inside an open transaction.
  bool in_transaction() const { return in_transaction_; }
  Status begin() override;
  // Commits the offsets after `consumed` (as Consumer::commit would) together with every message
  // produced since begin(). On failure the transaction is aborted: nothing of it is visible and the
  // offsets stay where they were; retry_later means a new transaction may succeed. `consumer` must
  // be a kafka::Consumer (its group metadata fences zombie members); anything else is invalid.
  Status commit_with_offsets(const stream::Consumer& consumer, const std::vector<Message>& consumed,
                             int timeout_ms) override;

  uint64_t delivered() const { return delivered_; }
  uint64_t failed() const { return failed_; }

 private:
  Producer() = default;
  static void on_delivery(rd_kafka_s*, const rd_kafka_message_s* message, void* opaque);

  rd_kafka_s* rk_ = nullptr;
  bool in_transaction_ = false;
  uint64_t delivered_ = 0;
  uint64_t failed_ = 0;
  Status first_failure_;
};

class Consumer final : public stream::Consumer {
 public:
  static std::unique_ptr<Consumer> create(const KafkaOptions& options, const std::string& group,
                                          const std::vector<std::string>& topics, Status& error);
  ~Consumer() override;
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Up to `max` messages, waiting at most `timeout_ms` for the first one. A consumer error that is
  // not a message is returned through `error` (retry_later or fatal); the batch may still hold messages.
  std::vector<Message> poll(size_t max, int timeout_ms, Status& error) override;
  Status commit(const std::vector<Message>& batch) override;
  bool at_end() const override;

 private:
  Consumer() = default;
  friend struct ConsumerCallbacks;  // librdkafka's rebalance callback (kafka.cc)
  friend class Producer;            // reads the group metadata for transactional offset commits

  rd_kafka_s* rk_ = nullptr;
  std::set<std::pair<std::string, int32_t>> assigned_;
  std::set<std::pair<std::string, int32_t>> at_eof_;
};

}  // namespace yuqing::kafka
