#include "processors/processor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "core/shutdown.h"
#include "stream/kafka.h"

namespace yuqing::processors {
namespace {
using Clock = std::chrono::steady_clock;
constexpr int kAckTimeoutMs = 30000;
}  // namespace

Status run_processor(const Config& config, const Analyzer& analyzer, const ProcessRun& run, ProcessStats& stats) {
  Status s;
  auto consumer = kafka::Consumer::create(config.kafka, config.processor.group, {config.kafka.raw_topic}, s);
  if (!s) return s;
  auto producer = kafka::Producer::create(config.kafka, "yuqing-processor", s);
  if (!s) return s;

  auto last_message = Clock::now();
  while (!shutdown_requested()) {
    Status poll_error;
    auto batch = consumer->poll(size_t(config.processor.batch_size), 500, poll_error);
    if (!poll_error) {
      if (poll_error.kind() == Status::Kind::fatal) return poll_error;
      spdlog::warn("process: {}", poll_error.to_string());
    }
    if (batch.empty()) {
      if (run.drain && consumer->at_end()) break;
      if (run.drain && run.idle_exit_ms > 0 && Clock::now() - last_message > std::chrono::milliseconds(run.idle_exit_ms))
        break;
      continue;
    }
    last_message = Clock::now();

    for (const auto& m : batch) {
      ++stats.consumed;
      EnrichedDocument e;
      if (Status v = parse_document(m.value, e.doc); !v) {
        spdlog::warn("process: dead-lettering {}/{}@{}: {}", m.topic, m.partition, m.offset, v.to_string());
        ++stats.dead_lettered;
        if (Status p = producer->produce(config.kafka.dead_letter_topic, m.key, kafka::dead_letter_record(m, v, "process")); !p)
          return p;
        continue;
      }
      e.tags = analyzer.analyze(e.doc);
      e.processed_at = now_seconds();
      if (Status p = producer->produce(config.kafka.enriched_topic, e.doc.id, to_json(e)); !p) return p;
      ++stats.enriched;
    }
    // Acknowledge on delivery: commit the input only once Kafka holds every output.
    for (Status f = producer->flush(kAckTimeoutMs); !f; f = producer->flush(kAckTimeoutMs)) {
      if (f.kind() != Status::Kind::retry_later) return f;
      spdlog::warn("process: waiting for Kafka to acknowledge: {}", f.message());
      if (shutdown_requested()) return f;
    }
    if (Status c = consumer->commit(batch); !c)
      spdlog::warn("process: offset commit failed ({}); the batch may be processed again", c.to_string());
  }
  return Status::ok();
}

}  // namespace yuqing::processors
