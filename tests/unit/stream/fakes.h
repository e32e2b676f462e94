// In-memory stand-ins for stream::Consumer and stream::Producer, so that the stage loop and the
// stages on it (processor, sink) are tested without Kafka. They keep what a test needs to check
// the delivery contract: what was produced and acknowledged, what was committed, and when.
#pragma once

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stream/stream.h"

namespace yuqing::fakes {

// Messages of one topic over `partitions` partitions, offsets counting from 0 in each.
inline std::vector<stream::Message> messages(const std::vector<std::string>& values, int partitions = 2,
                                             const std::string& topic = "in") {
  std::vector<stream::Message> out;
  std::map<int32_t, int64_t> next;
  for (size_t i = 0; i < values.size(); ++i) {
    const auto p = int32_t(i % size_t(partitions));
    out.push_back({topic, p, next[p]++, "k" + std::to_string(i), values[i]});
  }
  return out;
}

class FakeConsumer final : public stream::Consumer {
 public:
  explicit FakeConsumer(std::vector<stream::Message> input) : queue_(input.begin(), input.end()) {}

  std::vector<stream::Message> poll(size_t max, int timeout_ms, Status& error) override {
    error = Status::ok();
    ++polls;
    if (!poll_errors.empty()) {
      error = poll_errors.front();
      poll_errors.pop_front();
    }
    if (queue_.empty()) {
      // Like Kafka: at the end of every partition poll returns at once; otherwise it waits.
      if (!at_end()) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 20)));
      return {};
    }
    if (poll_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(poll_delay_ms));
    std::vector<stream::Message> batch;
    while (!queue_.empty() && batch.size() < std::min(max, per_poll)) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    return batch;
  }

  Status commit(const std::vector<stream::Message>& batch) override {
    if (on_commit) on_commit(batch);
    if (!commit_results.empty()) {
      Status s = commit_results.front();
      commit_results.pop_front();
      if (!s) return s;
    }
    record_commit(batch);
    return Status::ok();
  }

  // The offsets of `batch` committed by a FakeProducer's transaction.
  void commit_in_transaction(const std::vector<stream::Message>& batch) {
    if (on_commit) on_commit(batch);
    record_commit(batch);
  }

  bool at_end() const override { return queue_.empty() && !endless; }

  // How many messages the committed offsets cover.
  size_t committed_messages() const {
    size_t n = 0;
    for (const auto& [tp, o] : committed) n += size_t(o);
    return n;
  }

  size_t per_poll = 1000;          // messages at most per poll() call
  int poll_delay_ms = 0;           // how long a poll() that returns messages takes
  bool endless = false;            // never at the end (a live topic)
  std::deque<Status> poll_errors;  // returned by the next poll() calls
  std::deque<Status> commit_results;
  std::function<void(const std::vector<stream::Message>&)> on_commit;  // called at each commit (attempt)
  int polls = 0;
  int commits = 0;  // successful ones
  std::map<std::pair<std::string, int32_t>, int64_t> committed;

 private:
  void record_commit(const std::vector<stream::Message>& batch) {
    ++commits;
    for (const auto& m : batch) {
      auto& o = committed[{m.topic, m.partition}];
      o = std::max(o, m.offset + 1);
    }
  }

  std::deque<stream::Message> queue_;
};

struct Produced {
  std::string topic;
  std::string key;
  std::string value;
};

// A producer whose flush() and commit_with_offsets() answer from scripts (ok once the script is
// used up). Messages are `pending` until a flush or transaction acknowledges them (`delivered`);
// a fatal flush or an aborted transaction loses them, as Kafka would.
class FakeProducer final : public stream::Producer {
 public:
  Status produce(const std::string& topic, std::string_view key, std::string_view value) override {
    ++produce_calls;
    if (!produce_results.empty()) {
      Status s = produce_results.front();
      produce_results.pop_front();
      if (!s) return s;
    }
    pending.push_back({topic, std::string(key), std::string(value)});
    return Status::ok();
  }

  Status flush(int) override {
    ++flushes;
    if (on_flush) on_flush();
    Status s = next(flush_results);
    if (s) {
      delivered.insert(delivered.end(), pending.begin(), pending.end());
      pending.clear();
    } else if (s.kind() != Status::Kind::retry_later) {
      pending.clear();  // failed for good
    }
    return s;
  }

  Status begin() override {
    in_transaction = true;
    ++transactions;
    return Status::ok();
  }

  Status commit_with_offsets(const stream::Consumer& consumer, const std::vector<stream::Message>& consumed,
                             int) override {
    if (!in_transaction) return Status::invalid("commit_with_offsets outside a transaction");
    in_transaction = false;
    Status s = next(transaction_results);
    if (s) {
      delivered.insert(delivered.end(), pending.begin(), pending.end());
      // The fake consumer's offsets move with the transaction, as Kafka's do.
      const_cast<FakeConsumer&>(dynamic_cast<const FakeConsumer&>(consumer)).commit_in_transaction(consumed);
    }
    pending.clear();  // committed, or aborted
    return s;
  }

  std::vector<Produced> delivered_to(const std::string& topic) const {
    std::vector<Produced> out;
    for (const auto& p : delivered)
      if (p.topic == topic) out.push_back(p);
    return out;
  }

  std::deque<Status> produce_results;
  std::deque<Status> flush_results;
  std::deque<Status> transaction_results;
  std::function<void()> on_flush;  // called at the start of each flush
  std::vector<Produced> pending;
  std::vector<Produced> delivered;
  bool in_transaction = false;
  int produce_calls = 0;
  int flushes = 0;
  int transactions = 0;

 private:
  static Status next(std::deque<Status>& script) {
    if (script.empty()) return Status::ok();
    Status s = script.front();
    script.pop_front();
    return s;
  }
};

}  // namespace yuqing::fakes
