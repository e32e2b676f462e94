// Stream interfaces: what a stage needs from its input topic and its output producer, so that the
// stage loop (stream/stage_loop.h) runs against Kafka in production and against fakes in unit tests.
//
// Contract (kafka::Consumer and kafka::Producer implement it; stream/kafka.h has the Kafka details)
// - Consumer::poll returns up to `max` messages, waiting at most `timeout_ms` for the first one; a
//   consumer error that is not a message comes back through `error` (retry_later or fatal) and the
//   batch may still hold messages.
// - Consumer::commit stores, per partition of the batch, the offset after its highest message. It is
//   the acknowledgement of the input, so call it only after the next stage durably accepted the
//   batch's output; a failure means the batch may be delivered again (to the partition's next owner).
// - Consumer::at_end: every assigned partition was read to its end (drain mode).
// - Producer::produce only enqueues; flush() blocks until every enqueued message is acknowledged or
//   failed and returns the first failure since the previous flush (retry_later: not yet
//   acknowledged, flush again; fatal: a message is lost, do not commit its input).
// - Transactions: begin(), produce()..., commit_with_offsets(consumer, batch) makes the messages and
//   the consumer's offsets for `batch` visible together or not at all; on failure it has aborted
//   (retry_later: a new transaction may succeed). Only a transactional producer supports them, and
//   only with the consumer of its own implementation (a Kafka producer needs the Kafka consumer's
//   group metadata).
// Neither is thread-safe; one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace yuqing::stream {

struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
};

// The dead-letter record for a message that a stage cannot use: the original key and value, where it
// came from, which stage refused it and why. Value is the JSON to produce to the dead-letter topic.
std::string dead_letter_record(const Message& message, const Status& why, std::string_view stage);

class Consumer {
 public:
  virtual ~Consumer() = default;
  virtual std::vector<Message> poll(size_t max, int timeout_ms, Status& error) = 0;
  virtual Status commit(const std::vector<Message>& batch) = 0;
  virtual bool at_end() const = 0;
};

class Producer {
 public:
  virtual ~Producer() = default;
  virtual Status produce(const std::string& topic, std::string_view key, std::string_view value) = 0;
  virtual Status flush(int timeout_ms) = 0;
  // A no-op inside an open transaction.
  virtual Status begin() = 0;
  virtual Status commit_with_offsets(const Consumer& consumer, const std::vector<Message>& consumed,
                                     int timeout_ms) = 0;
};

}  // namespace yuqing::stream
