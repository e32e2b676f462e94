#include "stream/stage_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
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
    while (!stopping()) {
      Status poll_error;
      std::vector<Message> batch = collect(poll_error);
      if (!poll_error) {
        if (poll_error.kind() == Status::Kind::fatal) return poll_error;
        spdlog::warn("{}: {}", options_.stage, poll_error.to_string());
      }
      if (batch.empty()) {
        if (options_.drain && consumer_.at_end()) break;
        if (options_.drain && options_.idle_exit_ms > 0 &&
            Clock::now() - last_message > std::chrono::milliseconds(options_.idle_exit_ms))
          break;
        continue;
      }
      last_message = Clock::now();
      if (Status s = write(batch); !s) return s;
    }
    return Status::ok();
  }

 private:
  bool stopping() const { return options_.stop ? options_.stop() : shutdown_requested(); }

  // Sleeps in short steps so that a shutdown request is noticed promptly.
  void backoff_sleep(int ms) const {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < until && !stopping())
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
  }

  // Gathers one batch: up to batch_rows messages or batch_bytes, waiting at most batch_ms.
  std::vector<Message> collect(Status& error) {
    std::vector<Message> batch;
    size_t bytes = 0;
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.batch_ms);
    while (batch.size() < options_.batch_rows && bytes < options_.batch_bytes) {
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

  // One batch, from transform to commit; a failure leaves the batch uncommitted.
  Status write(const std::vector<Message>& batch) {
    stats_.consumed += batch.size();
    records_.clear();
    dead_.clear();
    for (const auto& m : batch) {
      const size_t before = records_.size();
      if (Status why = transform_(m, records_); !why) {
        records_.resize(before);
        dead_.push_back({&m, why});
        log_dead_letter(dead_.back());
        continue;
      }
      for (size_t i = before; i < records_.size(); ++i) records_[i].source = &m;
    }
    // Plain dead letters go out with the records, so the acknowledgement below may cover both.
    if (!options_.transactional_dead_letters)
      if (Status s = produce_dead_letters(0); !s) return s;

    if (Status s = writer_.send(records_); !s) return s;
    const size_t refused = dead_.size();
    if (Status s = with_retry("the batch's records", [&] { return writer_.acknowledge(dead_); }); !s) return s;
    for (size_t i = refused; i < dead_.size(); ++i) log_dead_letter(dead_[i]);
    stats_.written += records_.size() - (dead_.size() - refused);

    if (dead_.empty()) {
      commit(batch);
    } else if (options_.transactional_dead_letters) {
      if (Status s = commit_with_dead_letters(batch); !s) return s;
    } else {
      if (Status s = produce_dead_letters(refused); !s) return s;
      if (Status s = with_retry("the dead letters", [&] { return dead_letters_.flush(options_.ack_timeout_ms); }); !s)
        return s;
      commit(batch);
    }
    stats_.dead_lettered += dead_.size();
    ++stats_.batches;
    return Status::ok();
  }

  Status produce_dead_letters(size_t from) {
    for (size_t i = from; i < dead_.size(); ++i) {
      const DeadLetter& d = dead_[i];
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
  Status commit_with_dead_letters(const std::vector<Message>& batch) {
    Status s;
    for (int attempt = 1; attempt <= options_.transaction_attempts; ++attempt) {
      s = dead_letters_.begin();
      if (s) s = produce_dead_letters(0);
      if (s) s = dead_letters_.commit_with_offsets(consumer_, batch, options_.ack_timeout_ms);
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
  std::vector<Record> records_;   // of the batch in hand
  std::vector<DeadLetter> dead_;  // of the batch in hand: refused by the transform, then by the Writer
};

}  // namespace

Status run_stage(Consumer& consumer, Writer& writer, Producer& dead_letters, const Transform& transform,
                 const StageOptions& options, StageStats& stats) {
  return Loop(consumer, writer, dead_letters, transform, options, stats).run();
}

}  // namespace yuqing::stream
