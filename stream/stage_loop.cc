#include "stream/stage_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "core/shutdown.h"

namespace yuqing::stream {

Status TopicWriter::send(const std::vector<Record>& records) {
  for (const auto& r : records)
    if (Status s = producer_.produce(topic_, r.key, r.value); !s) return s;
  return Status::ok();
}

Status TopicWriter::acknowledge(std::vector<DeadLetter>&) {
  // Kafka either delivers a message or fails it for good (a fatal flush); nothing is refused alone.
  return producer_.flush(ack_timeout_ms_);
}

namespace {

using Clock = std::chrono::steady_clock;

class Loop {
 public:
  Loop(Consumer& consumer, Writer& writer, Producer& dead_letters, const Transform& transform,
       const StageOptions& options, StageStats& stats)
      : consumer_(consumer),
        writer_(writer),
        dead_letters_(dead_letters),
        transform_(transform),
        options_(options),
        stats_(stats) {}

  Status run() {
    auto last_message = Clock::now();
    // With overlap, the batch sent to the Writer and not yet acknowledged. The next batch is polled
    // and transformed meanwhile, but it is sent only after this one is acknowledged and committed,
    // so offsets are still committed batch by batch, in order, each after its own acknowledgement:
    // the prepared batch is only in memory, and a crash or failure before its turn loses nothing
    // (its offsets are not committed, so it is delivered again).
    std::optional<Batch> pending;
    while (!stopping()) {
      Status poll_error;
      Batch next;
      next.messages = collect(poll_error);
      if (!poll_error) {
        if (poll_error.kind() == Status::Kind::fatal) return poll_error;
        spdlog::warn("{}: {}", options_.stage, poll_error.to_string());
      }
      if (!next.messages.empty()) {
        last_message = Clock::now();
        prepare(next);
      }
      if (pending) {
        if (Status s = finish(*pending); !s) return s;
        pending.reset();
        if (stopping()) break;  // the prepared batch stays uncommitted: the next run reads it again
      }
      if (next.messages.empty()) {
        if (options_.drain && consumer_.at_end()) break;
        if (options_.drain && options_.idle_exit_ms > 0 &&
            Clock::now() - last_message > std::chrono::milliseconds(options_.idle_exit_ms))
          break;
        continue;
      }
      // The Writer keeps pointers to the records until the next send(): send from where they stay.
      Batch& batch = options_.overlap ? pending.emplace(std::move(next)) : next;
      if (Status s = send(batch); !s) return s;
      if (!options_.overlap)
        if (Status s = finish(batch); !s) return s;
    }
    // Shutdown: the batch in hand is finished (or, if it cannot be, left uncommitted).
    if (pending) return finish(*pending);
    return Status::ok();
  }

 private:
  // One batch: its messages, their records and their dead letters. Records and dead letters point
  // into `messages`, whose elements stay put when the Batch is moved.
  struct Batch {
    std::vector<Message> messages;
    std::vector<Record> records;
    std::vector<DeadLetter> dead;  // refused by the transform, then by the Writer
  };

  bool stopping() const { return options_.stop ? options_.stop() : shutdown_requested(); }

  // Sleeps in short steps so that a shutdown request is noticed promptly.
  void backoff_sleep(int ms) const {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < until && !stopping())
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
  }

  // Gathers one batch: up to batch_rows messages or batch_bytes, waiting at most batch_ms (when
  // draining, not past the end of the assigned partitions).
  std::vector<Message> collect(Status& error) {
    std::vector<Message> batch;
    size_t bytes = 0;
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.batch_ms);
    while (batch.size() < options_.batch_rows && bytes < options_.batch_bytes) {
      // Draining: everything there is has been read, so waiting out batch_ms would only delay the
      // last batch (and, with overlap, the previous batch's commit) by up to batch_ms each.
      if (options_.drain && consumer_.at_end()) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      auto more = consumer_.poll(options_.batch_rows - batch.size(), int(left), error);
      if (more.empty()) break;
      for (auto& m : more) {
        bytes += m.value.size();
        batch.push_back(std::move(m));
      }
      if (!error) break;
    }
    return batch;
  }

  void log_dead_letter(const DeadLetter& d) const {
    spdlog::warn("{}: dead-lettering {}/{}@{}: {}", options_.stage, d.source->topic, d.source->partition,
                 d.source->offset, d.why.to_string());
  }

  // The transform of every message of the batch.
  void prepare(Batch& b) {
    stats_.consumed += b.messages.size();
    for (const auto& m : b.messages) {
      const size_t before = b.records.size();
      if (Status why = transform_(m, b.records); !why) {
        b.records.resize(before);
        b.dead.push_back({&m, why});
        log_dead_letter(b.dead.back());
        continue;
      }
      for (size_t i = before; i < b.records.size(); ++i) b.records[i].source = &m;
    }
  }

  Status send(Batch& b) {
    // Plain dead letters go out with the records, so the acknowledgement below may cover both.
    if (!options_.transactional_dead_letters)
      if (Status s = produce_dead_letters(b, 0); !s) return s;
    return writer_.send(b.records);
  }

  // From the Writer's acknowledgement to the commit; a failure leaves the batch uncommitted.
  Status finish(Batch& b) {
    const size_t refused = b.dead.size();
    if (Status s = with_retry("the batch's records", [&] { return writer_.acknowledge(b.dead); }); !s) return s;
    for (size_t i = refused; i < b.dead.size(); ++i) log_dead_letter(b.dead[i]);
    stats_.written += b.records.size() - (b.dead.size() - refused);

    if (b.dead.empty()) {
      commit(b.messages);
    } else if (options_.transactional_dead_letters) {
      if (Status s = commit_with_dead_letters(b); !s) return s;
    } else {
      if (Status s = produce_dead_letters(b, refused); !s) return s;
      if (Status s = with_retry("the dead letters", [&] { return dead_letters_.flush(options_.ack_timeout_ms); }); !s)
        return s;
      commit(b.messages);
    }
    stats_.dead_lettered += b.dead.size();
    ++stats_.batches;
    return Status::ok();
  }

  Status produce_dead_letters(const Batch& b, size_t from) {
    for (size_t i = from; i < b.dead.size(); ++i) {
      const DeadLetter& d = b.dead[i];
      if (Status s = dead_letters_.produce(options_.dead_letter_topic, d.source->key,
                                           dead_letter_record(*d.source, d.why, options_.stage));
          !s)
        return s;
    }
    return Status::ok();
  }

  void commit(const std::vector<Message>& batch) {
    // A failed commit (e.g. the partitions moved in a rebalance) only means that the batch's next
    // owner writes it again, which the stages' idempotent writes absorb.
    if (Status s = consumer_.commit(batch); !s)
      spdlog::warn("{}: offset commit failed ({}); the batch is written and may be written again", options_.stage,
                   s.to_string());
  }

  // Calls `step` until it is not retry_later, backing off between tries; nothing is committed meanwhile.
  template <typename Step>
  Status with_retry(const char* what, Step step) {
    int delay = options_.retry_base_ms;
    for (;;) {
      Status s = step();
      if (s.kind() != Status::Kind::retry_later) return s;
      if (stopping())
        return Status::retry_later("shutdown while " + std::string(what) + " were unacknowledged: " + s.message());
      ++stats_.retries;
      spdlog::warn("{}: {} not acknowledged yet, retrying in {} ms: {}", options_.stage, what, delay, s.message());
      backoff_sleep(delay);
      delay = std::min(delay * 2, options_.max_retry_ms);
    }
  }

  // Dead letters and offsets in one transaction; an aborted one is tried again from the start.
  Status commit_with_dead_letters(const Batch& b) {
    Status s;
    for (int attempt = 1; attempt <= options_.transaction_attempts; ++attempt) {
      s = dead_letters_.begin();
      if (s) s = produce_dead_letters(b, 0);
      if (s) s = dead_letters_.commit_with_offsets(consumer_, b.messages, options_.ack_timeout_ms);
      if (s || s.kind() == Status::Kind::fatal) return s;
      spdlog::warn("{}: dead-letter transaction failed (attempt {} of {}): {}", options_.stage, attempt,
                   options_.transaction_attempts, s.message());
      backoff_sleep(options_.transaction_backoff_ms * attempt);
    }
    return s;
  }

  Consumer& consumer_;
  Writer& writer_;
  Producer& dead_letters_;
  const Transform& transform_;
  const StageOptions& options_;
  StageStats& stats_;
};

}  // namespace

Status run_stage(Consumer& consumer, Writer& writer, Producer& dead_letters, const Transform& transform,
                 const StageOptions& options, StageStats& stats) {
  return Loop(consumer, writer, dead_letters, transform, options, stats).run();
}

}  // namespace yuqing::stream
