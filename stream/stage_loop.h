// Stage loop: the one poll → batch → transform → write → acknowledge → commit loop of the Kafka
// stages (the processor writes to a topic, the sink to ClickHouse). The stage supplies a transform
// (message → output records, or the reason to dead-letter it) and a Writer; the loop owns delivery.
//
// Contract
// - A batch ends at StageOptions::batch_rows messages, batch_bytes of values or batch_ms after it
//   started, whichever comes first.
// - Input offsets are committed only after the Writer acknowledged every record of the batch and
//   every dead letter of it is durably in Kafka; a crash or stop at any point before that commits
//   nothing, so the batch is delivered again (at-least-once; the stages' writes are idempotent).
// - Writer::acknowledge failing with retry_later is retried with exponential backoff (retry_base_ms
//   doubling up to max_retry_ms), indefinitely, without committing and without sending the records
//   again; a shutdown request while retrying ends the run with retry_later and nothing committed.
//   Any other failure of the Writer, of the dead-letter producer or a fatal poll error ends the run
//   with that Status, nothing of the batch committed.
// - A message the transform refuses, or a record the Writer rejects for good, is dead-lettered with
//   its reason (stream::dead_letter_record) and never blocks its partition: the batch commits.
//   Plain dead letters are produced and flushed before the commit (a crash after the flush may
//   repeat them). With transactional_dead_letters they are produced in one transaction with the
//   batch's offsets (Producer::commit_with_offsets), so each is dead-lettered exactly once even
//   across crashes; a failed transaction is aborted and tried again (transaction_attempts in all),
//   then the run ends with its Status (a rebalance in between: the supervisor restarts on the new assignment).
// - A failed plain offset commit (the partitions moved in a rebalance) is only a warning: the batch
//   is already written and its next owner writes it again, which the idempotent stores absorb.
// - Shutdown (StageOptions::stop, SIGINT/SIGTERM by default) is checked between batches: the batch
//   in hand is finished and acknowledged, or, if it cannot be, left uncommitted.
// - drain: stop once every assigned partition is read to its end (a batch that reaches the end is
//   written at once, without waiting out batch_ms); with idle_exit_ms > 0, also after that long
//   without a message.
// - overlap: after sending batch N to the Writer, the loop polls and transforms batch N+1 before it
//   waits for N's acknowledgement, so a Writer whose send() starts the write in the background (the
//   sink's insert thread, a producer's own I/O thread) works while the stage transforms. N+1 is sent
//   only after N is acknowledged and committed: commits stay in batch order and each follows its own
//   batch's acknowledgement, and N+1, held only in memory until then, is delivered again if the run
//   ends first. Without overlap a batch is polled only after the previous one is committed.
// One loop per thread, like the clients it drives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "stream/stream.h"

namespace yuqing::stream {

// One output of the stage for the message `source` (set by the loop; it points into the batch).
struct Record {
  std::string key;
  std::string value;
  const Message* source = nullptr;
};

struct DeadLetter {
  const Message* source = nullptr;
  Status why;
};

// The stage's step for one message: append its output record(s) to `out` and return ok, or return
// why the message cannot be used (any failure), which dead-letters it with that reason.
using Transform = std::function<Status(const Message& message, std::vector<Record>& out)>;

// Where the records of a batch go: a Kafka topic (TopicWriter), a ClickHouse table (the sink).
class Writer {
 public:
  virtual ~Writer() = default;
  // Hands over the batch's records (may be none), once per batch; they stay valid until the next
  // send(). A failure ends the run.
  virtual Status send(const std::vector<Record>& records) = 0;
  // Blocks until every record sent is durably accepted (ok) or why not. retry_later: the loop calls
  // acknowledge() again after a backoff, which must not write an accepted record twice (it may write
  // the unaccepted ones again). Records refused for good are appended to `rejected` and not counted
  // as written. Any other failure ends the run.
  virtual Status acknowledge(std::vector<DeadLetter>& rejected) = 0;
};

// Produces each record (key, value) to one topic; acknowledged when the producer's flush succeeds.
class TopicWriter final : public Writer {
 public:
  TopicWriter(Producer& producer, std::string topic, int ack_timeout_ms)
      : producer_(producer), topic_(std::move(topic)), ack_timeout_ms_(ack_timeout_ms) {}
  Status send(const std::vector<Record>& records) override;
  Status acknowledge(std::vector<DeadLetter>& rejected) override;

 private:
  Producer& producer_;
  std::string topic_;
  int ack_timeout_ms_;
};

struct StageOptions {
  std::string stage;  // names the stage in logs and in its dead letters ("process", "sink")
  size_t batch_rows = 500;
  size_t batch_bytes = std::numeric_limits<size_t>::max();
  int batch_ms = 1000;
  bool drain = false;
  int idle_exit_ms = 0;
  int retry_base_ms = 200;     // first backoff after a retry_later acknowledgement; 0 = retry at once
  int max_retry_ms = 60000;    // backoff ceiling
  int ack_timeout_ms = 60000;  // the dead-letter producer's flush and transaction commit
  std::string dead_letter_topic;
  bool transactional_dead_letters = false;
  int transaction_attempts = 5;
  int transaction_backoff_ms = 500;  // after the n-th failed transaction, n times this
  bool overlap = false;  // poll and transform the next batch while the Writer acknowledges this one
  std::function<bool()> stop;  // a shutdown request; empty = core/shutdown.h's shutdown_requested()
};

struct StageStats {
  uint64_t consumed = 0;
  uint64_t written = 0;  // records the Writer accepted
  uint64_t dead_lettered = 0;
  uint64_t batches = 0;  // batches committed
  uint64_t retries = 0;  // retry_later acknowledgements retried
};

// Runs the loop until drain/idle exit (ok), a shutdown request (ok between batches, retry_later while
// a batch is unacknowledged) or a failure (its Status). `dead_letters` may be the producer the Writer
// uses; it must be transactional with transactional_dead_letters.
Status run_stage(Consumer& consumer, Writer& writer, Producer& dead_letters, const Transform& transform,
                 const StageOptions& options, StageStats& stats);

}  // namespace yuqing::stream
