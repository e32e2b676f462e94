#include "processors/processor.h"

#include <chrono>
#include <random>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "processors/taggers/stories.h"
#include "stream/kafka.h"

namespace yuqing::processors {
namespace {
constexpr int kAckTimeoutMs = 30000;

std::string random_hex() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

// The shared story log (processors/taggers/stories.h) over Kafka: one partition, so one order for
// every instance. Each instance reads all of it from the start, in a consumer group of its own that
// never commits; a claim is found again in the log by its tag (instance + count).
class KafkaStoryLog final : public StoryLog {
 public:
  static std::unique_ptr<KafkaStoryLog> create(const Config& c, Status& error) {
    const std::string topic = story_log_topic(c);
    error = kafka::ensure_topic(c.kafka, topic, 1);
    if (!error) return nullptr;
    std::unique_ptr<KafkaStoryLog> log(new KafkaStoryLog());
    log->topic_ = topic;
    log->instance_ = random_hex();
    log->producer_ = kafka::Producer::create(c.kafka, "yuqing-processor-stories", error);
    if (!error) return nullptr;
    log->consumer_ = kafka::Consumer::create(c.kafka, c.processor.group + ".stories." + log->instance_, {topic}, error);
    if (!error) return nullptr;
    return log;
  }

  Status read_new(std::vector<StoryRecord>& out) override {
    for (auto& r : pending_) out.push_back(std::move(r));
    pending_.clear();
    for (;;) {
      Status error;
      const auto batch = consumer_->poll(1000, 0, error);
      if (!error) return error;
      if (batch.empty()) return Status::ok();
      for (const auto& m : batch) {
        StoryRecord r;
        if (parse(m.value, r, nullptr)) out.push_back(std::move(r));
      }
    }
  }

  Status claim(const StoryRecord& record, std::vector<StoryRecord>& before) override {
    const std::string tag = instance_ + "-" + std::to_string(++claims_);
    nlohmann::json j = {{"id", record.id}, {"minhash", record.minhash}, {"shingles", record.shingles}, {"claim", tag}};
    if (Status s = producer_->produce(topic_, "story", j.dump()); !s) return s;
    if (Status s = producer_->flush(kAckTimeoutMs); !s) return s;
    for (auto& r : pending_) before.push_back(std::move(r));
    pending_.clear();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAckTimeoutMs);
    bool found = false;
    while (!found) {
      if (std::chrono::steady_clock::now() > deadline)
        return Status::retry_later("stories: own claim not read back from " + topic_ + " within 30 s");
      Status error;
      const auto batch = consumer_->poll(1000, 200, error);
      if (!error) return error;
      for (const auto& m : batch) {
        StoryRecord r;
        std::string claimed;
        if (!parse(m.value, r, &claimed)) continue;
        if (found) pending_.push_back(std::move(r));
        else if (claimed == tag) found = true;
        else before.push_back(std::move(r));
      }
    }
    return Status::ok();
  }

 private:
  KafkaStoryLog() = default;

  static bool parse(const std::string& value, StoryRecord& r, std::string* claim) {
    const auto j = nlohmann::json::parse(value, nullptr, false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("minhash") || !j["minhash"].is_array())
      return false;
    try {
      r.id = j["id"].get<std::string>();
      r.minhash = j["minhash"].get<std::vector<uint32_t>>();
      r.shingles = j.value("shingles", 0u);
      if (claim) *claim = j.value("claim", "");
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return r.minhash.size() == size_t(kStoryMinHashes);
  }

  std::string topic_, instance_;
  uint64_t claims_ = 0;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<StoryRecord> pending_;  // read past the own claim, for the next read_new
};

}  // namespace

std::string story_log_topic(const Config& config) { return config.kafka.enriched_topic + ".stories"; }

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
  auto log = KafkaStoryLog::create(config, s);
  if (!s) return s;
  analyzer.stories().set_log(log.get());
  s = process_stage(*consumer, *producer, config, analyzer, run, stats);
  analyzer.stories().set_log(nullptr);
  return s;
}

}  // namespace yuqing::processors
