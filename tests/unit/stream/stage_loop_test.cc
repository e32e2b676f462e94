#include "stream/stage_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/stream/fakes.h"

namespace yuqing::stream {
namespace {

using fakes::FakeConsumer;
using fakes::FakeProducer;
using fakes::messages;
using Kind = Status::Kind;

const Status kRetry = Status::retry_later("broker away");
const Status kFatal = Status::fatal("fenced");

// The tests' transform: a value starting with "bad" is refused; any other becomes "out:<value>".
Status transform(const Message& m, std::vector<Record>& out) {
  if (m.value.starts_with("bad")) return Status::reject("no good: " + m.value);
  out.push_back({m.key, "out:" + m.value});
  return Status::ok();
}

StageOptions options() {
  StageOptions o;
  o.stage = "test";
  o.batch_rows = 4;
  o.batch_ms = 200;
  o.drain = true;
  o.retry_base_ms = 1;
  o.max_retry_ms = 4;
  o.dead_letter_topic = "dead";
  o.transaction_backoff_ms = 1;
  o.stop = [] { return false; };
  return o;
}

// A stage over fakes: the transform above, TopicWriter to "out", dead letters through the same
// producer. At every commit (attempt) it checks that each message of the batch has its output, or
// its dead letter, acknowledged by the producer: the loop's central promise.
struct Stage {
  explicit Stage(const std::vector<std::string>& values) : consumer(messages(values)), writer(producer, "out", 1000) {
    consumer.on_commit = [this](const std::vector<Message>& batch) {
      for (const auto& m : batch) {
        const bool dead = m.value.starts_with("bad");
        bool acknowledged = false;
        for (const auto& p : producer.delivered)
          acknowledged |= dead ? (p.topic == "dead" && p.key == m.key) : (p.topic == "out" && p.value == "out:" + m.value);
        if (!acknowledged)
          unacknowledged.push_back(m.topic + "/" + std::to_string(m.partition) + "@" + std::to_string(m.offset));
      }
    };
  }
  Status run(const StageOptions& o) { return run_stage(consumer, writer, producer, transform, o, stats); }

  FakeConsumer consumer;
  FakeProducer producer;
  TopicWriter writer;
  StageStats stats;
  std::vector<std::string> unacknowledged;  // messages committed before their output was acknowledged
};

std::vector<std::string> values(int n, const std::string& prefix = "v") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

TEST(StageLoop, CommitsOnlyAfterTheOutputIsAcknowledged) {
  struct Case {
    const char* name;
    std::deque<Status> flushes;  // the producer's answers, then ok
    Kind result;
    size_t committed;  // messages covered by committed offsets (of 6, in batches of 4 and 2)
    uint64_t retries;
    int produced;  // produce() calls: a retry flushes again, it does not produce the batch again
  };
  const std::vector<Case> cases = {
      {"acknowledged at once", {}, Kind::ok, 6, 0, 6},
      {"retry_later twice, then acknowledged", {kRetry, kRetry}, Kind::ok, 6, 2, 6},
      {"retry_later in the second batch", {Status::ok(), kRetry}, Kind::ok, 6, 1, 6},
      {"fatal flush", {kFatal}, Kind::fatal, 0, 0, 4},
      {"retry_later, then fatal", {kRetry, kFatal}, Kind::fatal, 0, 1, 4},
      {"fatal flush in the second batch", {Status::ok(), kFatal}, Kind::fatal, 4, 0, 6},
  };
  for (const bool overlap : {false, true})
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + (overlap ? ", overlapped" : ""));
    Stage stage(values(6));
    stage.producer.flush_results = c.flushes;
    StageOptions o = options();
    o.overlap = overlap;  // the next batch is transformed, never produced, before this one's flush
    EXPECT_EQ(stage.run(o).kind(), c.result);
    EXPECT_EQ(stage.consumer.committed_messages(), c.committed);
    EXPECT_EQ(stage.unacknowledged, std::vector<std::string>{}) << "committed before Kafka acknowledged the output";
    EXPECT_EQ(stage.stats.retries, c.retries);
    EXPECT_EQ(stage.producer.produce_calls, c.produced);
    if (c.result == Kind::ok) {
      EXPECT_EQ(stage.producer.delivered_to("out").size(), 6u);
      EXPECT_EQ(stage.stats.written, 6u);
      EXPECT_EQ(stage.stats.batches, 2u);
      EXPECT_EQ(stage.consumer.commits, 2) << "once per batch, however many retries";
    }
  }
}

TEST(StageLoop, DeadLettersCarryTheirReasonAndTheBatchStillCommits) {
  for (const bool transactional : {false, true}) {
    SCOPED_TRACE(transactional ? "in a transaction with the offsets" : "flushed before the commit");
    Stage stage({"a", "bad1", "b", "bad2"});
    StageOptions o = options();
    o.transactional_dead_letters = transactional;
    ASSERT_TRUE(stage.run(o));
    EXPECT_EQ(stage.consumer.committed_messages(), 4u);
    EXPECT_EQ(stage.unacknowledged, std::vector<std::string>{});
    EXPECT_EQ(stage.stats.consumed, 4u);
    EXPECT_EQ(stage.stats.written, 2u);
    EXPECT_EQ(stage.stats.dead_lettered, 2u);
    EXPECT_EQ(stage.producer.transactions, transactional ? 1 : 0);
    EXPECT_EQ(stage.producer.delivered_to("out").size(), 2u);
    const auto dead = stage.producer.delivered_to("dead");
    ASSERT_EQ(dead.size(), 2u);
    const auto j = nlohmann::json::parse(dead[0].value);
    EXPECT_EQ(j["stage"], "test");
    EXPECT_EQ(j["error"], "rejected: no good: bad1");
    EXPECT_EQ(j["value"], "bad1");
    EXPECT_EQ(j["topic"], "in");
    EXPECT_EQ(j["partition"], 1);
    EXPECT_EQ(j["offset"], 0);
    EXPECT_EQ(dead[0].key, "k1") << "a dead letter keeps its message's key";
  }
}

TEST(StageLoop, FailedDeadLetterTransactionIsRetriedAndCommitsOnce) {
  struct Case {
    const char* name;
    std::deque<Status> transactions;  // commit_with_offsets answers, then ok
    Kind result;
    size_t committed;
    size_t dead_letters;  // visible in the dead-letter topic
    int attempts;
  };
  const std::vector<Case> cases = {
      {"committed at once", {}, Kind::ok, 2, 1, 1},
      {"aborted twice, then committed", {kRetry, kRetry}, Kind::ok, 2, 1, 3},
      {"aborted on every attempt", {kRetry, kRetry, kRetry}, Kind::retry_later, 0, 0, 3},
      {"fatal", {kFatal}, Kind::fatal, 0, 0, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Stage stage({"a", "bad"});
    stage.producer.transaction_results = c.transactions;
    StageOptions o = options();
    o.transactional_dead_letters = true;
    o.transaction_attempts = 3;
    EXPECT_EQ(stage.run(o).kind(), c.result);
    EXPECT_EQ(stage.consumer.committed_messages(), c.committed);
    EXPECT_EQ(stage.producer.delivered_to("dead").size(), c.dead_letters) << "an aborted transaction shows nothing";
    EXPECT_EQ(stage.producer.transactions, c.attempts);
    EXPECT_EQ(stage.stats.dead_lettered, c.dead_letters);
  }
}

// A Writer that refuses the records whose value is listed, and remembers the batches it was given.
class RefusingWriter final : public Writer {
 public:
  explicit RefusingWriter(std::vector<std::string> refuse) : refuse_(std::move(refuse)) {}
  Status send(const std::vector<Record>& records) override {
    records_ = &records;
    batches.push_back(records.size());
    return Status::ok();
  }
  Status acknowledge(std::vector<DeadLetter>& rejected) override {
    for (const auto& r : *records_) {
      sources.push_back(r.source->value);
      if (std::find(refuse_.begin(), refuse_.end(), r.value) != refuse_.end())
        rejected.push_back({r.source, Status::reject("refused " + r.value)});
    }
    return Status::ok();
  }
  std::vector<size_t> batches;
  std::vector<std::string> sources;  // the message each record came from

 private:
  std::vector<std::string> refuse_;
  const std::vector<Record>* records_ = nullptr;
};

TEST(StageLoop, RecordsTheWriterRefusesAreDeadLetteredWithItsReason) {
  for (const bool transactional : {false, true}) {
    SCOPED_TRACE(transactional ? "transactional" : "plain");
    FakeConsumer consumer(messages({"a", "b", "bad", "c"}));
    FakeProducer dead;
    RefusingWriter writer({"out:b"});
    StageOptions o = options();
    o.transactional_dead_letters = transactional;
    StageStats stats;
    ASSERT_TRUE(run_stage(consumer, writer, dead, transform, o, stats));
    EXPECT_EQ(writer.sources, (std::vector<std::string>{"a", "b", "c"})) << "each record points at its message";
    EXPECT_EQ(stats.written, 2u);
    EXPECT_EQ(stats.dead_lettered, 2u);
    const auto letters = dead.delivered_to("dead");
    ASSERT_EQ(letters.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(letters[0].value)["error"], "rejected: no good: bad");
    EXPECT_EQ(nlohmann::json::parse(letters[1].value)["error"], "rejected: refused out:b");
    EXPECT_EQ(consumer.committed_messages(), 4u);
  }
}

TEST(StageLoop, ShutdownMidBatchCommitsNothingUnacknowledged) {
  struct Case {
    const char* name;
    std::deque<Status> flushes;
    Kind result;
    size_t committed;
  };
  const std::vector<Case> cases = {
      // The batch in hand is finished: acknowledged, so committed; the next one is not started.
      {"stop requested, the batch is acknowledged", {}, Kind::ok, 4},
      // Kafka does not acknowledge: the run ends at once, the batch left for the next run.
      {"stop requested while the flush is retried", {kRetry, kRetry, kRetry, kRetry, kRetry, kRetry}, Kind::retry_later, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Stage stage(values(8));
    stage.producer.flush_results = c.flushes;
    bool stop = false;
    stage.producer.on_flush = [&stop] { stop = true; };  // SIGTERM arrives while the batch is in hand
    StageOptions o = options();
    o.stop = [&stop] { return stop; };
    EXPECT_EQ(stage.run(o).kind(), c.result);
    EXPECT_EQ(stage.consumer.committed_messages(), c.committed);
    EXPECT_EQ(stage.unacknowledged, std::vector<std::string>{});
    EXPECT_EQ(stage.stats.consumed, 4u) << "no batch started after the stop";
    EXPECT_LE(stage.producer.flushes, 2);
  }
}

TEST(StageLoop, DrainAndIdleExit) {
  struct Case {
    const char* name;
    bool drain;
    int idle_exit_ms;
    bool endless;  // the topic never reports its end
  };
  const std::vector<Case> cases = {
      {"drain stops at the end of every partition", true, 0, false},
      {"idle exit stops a live topic", true, 150, true},
      {"without drain it runs until stopped", false, 0, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Stage stage(values(6));
    stage.consumer.endless = c.endless;
    StageOptions o = options();
    o.drain = c.drain;
    o.idle_exit_ms = c.idle_exit_ms;
    int idle_polls = 0;  // without drain: stop once it has idled a while, as SIGTERM would
    o.stop = [&] { return !c.drain && stage.consumer.committed_messages() == 6 && ++idle_polls > 3; };
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(stage.run(o));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(stage.consumer.committed_messages(), 6u);
    EXPECT_EQ(stage.stats.batches, 2u);
  }
}

TEST(StageLoop, BatchesEndAtRowsBytesOrTime) {
  struct Case {
    const char* name;
    size_t rows;
    size_t bytes;
    size_t per_poll;
    std::vector<size_t> batches;
  };
  // Ten values of 11 bytes each.
  const std::vector<Case> cases = {
      {"rows", 4, SIZE_MAX, 1000, {4, 4, 2}},
      {"rows, gathered over several polls", 4, SIZE_MAX, 3, {4, 4, 2}},
      {"bytes", 100, 25, 1, {3, 3, 3, 1}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeConsumer consumer(messages(values(10, "value-0000")));
    consumer.per_poll = c.per_poll;
    FakeProducer dead;
    RefusingWriter writer(std::vector<std::string>{});
    StageOptions o = options();
    o.batch_rows = c.rows;
    o.batch_bytes = c.bytes;
    o.batch_ms = 5000;
    StageStats stats;
    ASSERT_TRUE(run_stage(consumer, writer, dead, transform, o, stats));
    EXPECT_EQ(writer.batches, c.batches);
  }
  // Time: one message per 40 ms poll, a batch may gather for 100 ms.
  FakeConsumer consumer(messages(values(10)));
  consumer.per_poll = 1;
  consumer.poll_delay_ms = 40;
  FakeProducer dead;
  RefusingWriter writer(std::vector<std::string>{});
  StageOptions o = options();
  o.batch_rows = 100;
  o.batch_ms = 100;
  StageStats stats;
  ASSERT_TRUE(run_stage(consumer, writer, dead, transform, o, stats));
  EXPECT_GE(writer.batches.size(), 2u) << "a batch ends after batch_ms";
  EXPECT_EQ(stats.written, 10u);
}

TEST(StageLoop, FailuresThatStopTheStageCommitNothing) {
  struct Case {
    const char* name;
    std::deque<Status> poll_errors;
    std::deque<Status> produces;
    Kind result;
    size_t committed;
  };
  const std::vector<Case> cases = {
      {"fatal poll error", {kFatal}, {}, Kind::fatal, 0},
      {"retry_later poll error is only a warning", {kRetry}, {}, Kind::ok, 6},
      {"produce fails", {}, {Status::ok(), kFatal}, Kind::fatal, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Stage stage(values(6));
    stage.consumer.poll_errors = c.poll_errors;
    stage.producer.produce_results = c.produces;
    EXPECT_EQ(stage.run(options()).kind(), c.result);
    EXPECT_EQ(stage.consumer.committed_messages(), c.committed);
    EXPECT_EQ(stage.unacknowledged, std::vector<std::string>{});
  }
}

TEST(StageLoop, FailedOffsetCommitIsOnlyAWarning) {
  Stage stage(values(6));
  stage.consumer.commit_results = {kRetry};  // the first batch's partitions moved away
  ASSERT_TRUE(stage.run(options()));
  EXPECT_EQ(stage.consumer.commits, 1);
  EXPECT_EQ(stage.stats.batches, 2u);
  EXPECT_EQ(stage.stats.written, 6u);
}

// A Writer that logs the loop's calls next to the transform's and the commits, and answers each
// acknowledgement from a script (then ok).
struct Steps {
  std::vector<std::string> log;
  std::deque<Status> acks;
  bool stop = false;
  bool stop_at_first_ack = false;
};

class LoggingWriter final : public Writer {
 public:
  explicit LoggingWriter(Steps& steps) : steps_(steps) {}
  Status send(const std::vector<Record>& records) override {
    steps_.log.push_back("send " + std::to_string(records.size()));
    return Status::ok();
  }
  Status acknowledge(std::vector<DeadLetter>&) override {
    steps_.log.push_back("ack");
    steps_.stop |= steps_.stop_at_first_ack;
    if (steps_.acks.empty()) return Status::ok();
    Status s = steps_.acks.front();
    steps_.acks.pop_front();
    return s;
  }

 private:
  Steps& steps_;
};

TEST(StageLoop, OverlapTransformsTheNextBatchWhileTheWriterAcknowledgesAndCommitsInOrder) {
  struct Case {
    const char* name;
    bool overlap;
    std::deque<Status> acks;
    bool stop_at_first_ack;
    Kind result;
    std::vector<std::string> log;
    size_t committed;
  };
  const std::vector<Case> cases = {
      {"without overlap, one batch after the other", false, {}, false, Kind::ok,
       {"t v0", "t v1", "send 2", "ack", "commit 2", "t v2", "t v3", "send 2", "ack", "commit 2"}, 4},
      {"with overlap, v2 and v3 are transformed before the first batch's ack; sent after its commit", true, {}, false,
       Kind::ok, {"t v0", "t v1", "send 2", "t v2", "t v3", "ack", "commit 2", "send 2", "ack", "commit 2"}, 4},
      {"a retried ack: the prepared batch waits", true, {kRetry}, false, Kind::ok,
       {"t v0", "t v1", "send 2", "t v2", "t v3", "ack", "ack", "commit 2", "send 2", "ack", "commit 2"}, 4},
      {"the first batch fails: the prepared one is not committed either", true, {kFatal}, false, Kind::fatal,
       {"t v0", "t v1", "send 2", "t v2", "t v3", "ack"}, 0},
      {"shutdown during the first batch: it commits, the prepared one is left for the next run", true, {}, true,
       Kind::ok, {"t v0", "t v1", "send 2", "t v2", "t v3", "ack", "commit 2"}, 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Steps steps;
    steps.acks = c.acks;
    steps.stop_at_first_ack = c.stop_at_first_ack;
    FakeConsumer consumer(messages(values(4)));
    consumer.on_commit = [&steps](const std::vector<Message>& batch) {
      steps.log.push_back("commit " + std::to_string(batch.size()));
    };
    FakeProducer dead;
    LoggingWriter writer(steps);
    StageOptions o = options();
    o.batch_rows = 2;
    o.overlap = c.overlap;
    o.stop = [&steps] { return steps.stop; };
    StageStats stats;
    const Transform logging = [&steps](const Message& m, std::vector<Record>& out) {
      steps.log.push_back("t " + m.value);
      return transform(m, out);
    };
    EXPECT_EQ(run_stage(consumer, writer, dead, logging, o, stats).kind(), c.result);
    EXPECT_EQ(steps.log, c.log);
    EXPECT_EQ(consumer.committed_messages(), c.committed);
    EXPECT_EQ(stats.written, c.committed);
  }
}

}  // namespace
}  // namespace yuqing::stream
