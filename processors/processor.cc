#include "processors/processor.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/shutdown.h"
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
    // A broker outage at start-up (one restarting, the controller moving) is waited out as the stage
    // loop waits out a later one: a processor that gave up here would leave its partitions unread.
    for (int wait_s = 1; !(error = kafka::ensure_topic(c.kafka, topic, 1)); wait_s = std::min(2 * wait_s, 30)) {
      if (error.kind() != Status::Kind::retry_later) return nullptr;
      spdlog::warn("process: {}; trying again in {} s", error.message(), wait_s);
      for (int i = 0; i < 10 * wait_s; ++i) {
        if (shutdown_requested()) return nullptr;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
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

  Status claim(const std::vector<StoryRecord>& records, std::vector<StoryRecord>& log) override {
    for (auto& r : pending_) log.push_back(std::move(r));
    pending_.clear();
    if (records.empty()) return Status::ok();
    std::unordered_set<std::string> unread;  // the tags of this claim not read back yet
    for (const auto& record : records) {
      std::string tag = instance_ + "-" + std::to_string(++claims_);
      nlohmann::json j = {{"id", record.id}, {"minhash", record.minhash}, {"shingles", record.shingles}, {"claim", tag}};
      if (Status s = producer_->produce(topic_, "story", j.dump()); !s) return s;
      unread.insert(std::move(tag));
    }
    if (Status s = producer_->flush(kAckTimeoutMs); !s) return s;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAckTimeoutMs);
    while (!unread.empty()) {
      if (std::chrono::steady_clock::now() > deadline)
        return Status::retry_later("stories: own claims not read back from " + topic_ + " within 30 s");
      Status error;
      const auto batch = consumer_->poll(1000, 200, error);
      if (!error) return error;
      for (const auto& m : batch) {
        StoryRecord r;
        std::string claimed;
        if (!parse(m.value, r, &claimed)) continue;
        if (unread.empty()) {
          pending_.push_back(std::move(r));
        } else {
          unread.erase(claimed);
          log.push_back(std::move(r));
        }
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
  std::vector<StoryRecord> pending_;  // read past the own claims, for the next read_new
};

Status analyze_message(const Analyzer& analyzer, const stream::Message& m, EnrichedDocument& e) {
  if (Status v = parse_document(m.value, e.doc); !v) return v;
  e.tags = analyzer.analyze(e.doc);
  e.processed_at = now_seconds();
  return Status::ok();
}

// The enriched records of a batch, produced once the batch's new stories are claimed: the transform
// keeps each document, send() settles the stories (StoryTracker::settle: one round trip to the
// story log for the whole batch), moves the documents of a story that lost to an earlier copy into
// that story, then builds and produces the records. The stage runs without overlap, so a batch is
// transformed only after the previous one was sent.
class EnrichedWriter final : public stream::Writer {
 public:
  EnrichedWriter(stream::Producer& producer, const std::string& topic, StoryTracker& stories)
      : topic_(producer, topic, kAckTimeoutMs), stories_(stories) {}

  Status transform(const Analyzer& analyzer, const stream::Message& m, std::vector<stream::Record>& out) {
    EnrichedDocument e;
    if (Status v = analyze_message(analyzer, m, e); !v) return v;
    out.push_back({e.doc.id, {}});
    docs_.push_back(std::move(e));
    return Status::ok();
  }

  Status send(const std::vector<stream::Record>& records) override {
    const auto moved = stories_.settle();
    if (records.size() != docs_.size())
      return Status::fatal("process: " + std::to_string(records.size()) + " records for " + std::to_string(docs_.size()) +
                           " documents");
    records_.clear();
    records_.reserve(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EnrichedDocument& e = docs_[i];
      if (const auto it = moved.find(e.tags.story_id); it != moved.end()) {
        if (e.tags.story_match.empty()) e.tags.story_match = it->second.match;
        e.tags.story_id = it->second.story_id;
      }
      records_.push_back({records[i].key, to_json(e), records[i].source});
    }
    docs_.clear();
    return topic_.send(records_);
  }

  Status acknowledge(std::vector<stream::DeadLetter>& rejected) override { return topic_.acknowledge(rejected); }

 private:
  stream::TopicWriter topic_;
  StoryTracker& stories_;
  std::vector<EnrichedDocument> docs_;  // the batch's, in the order of its records
  std::vector<stream::Record> records_;  // sent: valid until the next send()
};

}  // namespace

std::string story_log_topic(const Config& config) { return config.kafka.enriched_topic + ".stories"; }

Status enrich(const Analyzer& analyzer, const stream::Message& m, std::vector<stream::Record>& out) {
  EnrichedDocument e;
  if (Status v = analyze_message(analyzer, m, e); !v) return v;
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
  // The records are built in send(), after the batch's stories are settled.
  EnrichedWriter enriched(producer, config.kafka.enriched_topic, analyzer.stories());
  stream::StageStats loop;
  const Status s = stream::run_stage(
      consumer, enriched, producer,
      [&](const stream::Message& m, std::vector<stream::Record>& out) { return enriched.transform(analyzer, m, out); },
      options, loop);
  stats.consumed += loop.consumed;
  stats.enriched += loop.written;
  stats.dead_lettered += loop.dead_lettered;
  return s;
}

Status run_processor(const Config& config, const Analyzer& analyzer, const ProcessRun& run, ProcessStats& stats) {
  Status s;
  // The story log first: it may wait for the brokers, and a consumer that had joined the group would
  // hold its partitions unread meanwhile.
  auto log = KafkaStoryLog::create(config, s);
  if (!s) return s;
  auto consumer = kafka::Consumer::create(config.kafka, config.processor.group, {config.kafka.raw_topic}, s);
  if (!s) return s;
  auto producer = kafka::Producer::create(config.kafka, "yuqing-processor", s);
  if (!s) return s;
  analyzer.stories().set_log(log.get());
  s = process_stage(*consumer, *producer, config, analyzer, run, stats);
  analyzer.stories().set_log(nullptr);
  return s;
}

}  // namespace yuqing::processors
