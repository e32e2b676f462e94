#include "processors/processor.h"

#include "stream/kafka.h"

namespace yuqing::processors {
namespace {
constexpr int kAckTimeoutMs = 30000;
}  // namespace

Status enrich(const Analyzer& analyzer, const stream::Message& m, std::vector<stream::Record>& out) {
  EnrichedDocument e;
  if (Status v = parse_document(m.value, e.doc); !v) return v;
  e.tags = analyzer.analyze(e.doc);
  e.processed_at = now_seconds();
  out.push_back({e.doc.id, to_json(e)});
  return Status::ok();
}

Status process_stage(stream::Consumer& consumer, stream::Producer& producer, const Config& config, const Analyzer& analyzer,
               const ProcessRun& run, ProcessStats& stats) {
  stream::StageOptions options;
  options.stage = "process";
  options.batch_rows = size_t(config.processor.batch_size);
  options.batch_ms = 500;
  options.drain = run.drain;
  options.idle_exit_ms = run.idle_exit_ms;
  // A flush reports retry_later only after waiting kAckTimeoutMs for Kafka: flush again at once.
  options.retry_base_ms = 0;
  options.ack_timeout_ms = kAckTimeoutMs;
  options.dead_letter_topic = config.kafka.dead_letter_topic;
  // Dead letters share the producer of the enriched records, so one flush acknowledges both.
  stream::TopicWriter enriched(producer, config.kafka.enriched_topic, kAckTimeoutMs);
  stream::StageStats loop;
  const Status s = stream::run_stage(
      consumer, enriched, producer,
      [&analyzer](const stream::Message& m, std::vector<stream::Record>& out) { return enrich(analyzer, m, out); },
      options, loop);
  stats.consumed += loop.consumed;
  stats.enriched += loop.written;
  stats.dead_lettered += loop.dead_lettered;
  return s;
}

Status run_processor(const Config& config, const Analyzer& analyzer, const ProcessRun& run, ProcessStats& stats) {
  Status s;
  auto consumer = kafka::Consumer::create(config.kafka, config.processor.group, {config.kafka.raw_topic}, s);
  if (!s) return s;
  auto producer = kafka::Producer::create(config.kafka, "yuqing-processor", s);
  if (!s) return s;
  return process_stage(*consumer, *producer, config, analyzer, run, stats);
}

}  // namespace yuqing::processors
