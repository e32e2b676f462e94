#include "storage/sink.h"

#include <nlohmann/json.hpp>
#include <set>

#include "storage/clickhouse/client.h"
#include "stream/kafka.h"

namespace yuqing::clickhouse {
namespace {

constexpr int kKafkaAckTimeoutMs = 60000;
constexpr int kTransactionAttempts = 5;

// The batch's rows into the documents table: one JSONEachRow insert; if ClickHouse rejects it as
// unparseable, row by row, refusing the culprits. A retry_later resumes where it stopped, so a row
// ClickHouse accepted is not inserted (or counted) twice by the retry.
class InsertWriter final : public stream::Writer {
 public:
  explicit InsertWriter(const Insert& insert) : insert_(insert) {}

  Status send(const std::vector<stream::Record>& records) override {
    records_ = &records;
    body_.clear();
    for (const auto& r : records) body_ += r.value;
    one_by_one_ = false;
    next_ = 0;
    return Status::ok();
  }

  Status acknowledge(std::vector<stream::DeadLetter>& rejected) override {
    if (records_->empty()) return Status::ok();
    if (!one_by_one_) {
      Status s = insert_(body_);
      if (s.kind() != Status::Kind::reject) return s;
      one_by_one_ = true;
    }
    for (; next_ < records_->size(); ++next_) {
      const stream::Record& r = (*records_)[next_];
      Status s = insert_(r.value);
      if (s.kind() == Status::Kind::reject) {
        rejected.push_back({r.source, s});
        continue;
      }
      if (!s) return s;
    }
    return Status::ok();
  }

 private:
  const Insert& insert_;
  const std::vector<stream::Record>* records_ = nullptr;
  std::string body_;
  bool one_by_one_ = false;
  size_t next_ = 0;  // the next row to insert alone
};

std::vector<std::string> all_departments(const Tags& t) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& i : t.issues)
    for (const auto& d : i.departments)
      if (seen.insert(d).second) out.push_back(d);
  return out;
}

}  // namespace

std::string to_row(const EnrichedDocument& e) {
  const Document& d = e.doc;
  const Tags& t = e.tags;
  std::vector<std::string> issues;
  for (const auto& i : t.issues) issues.push_back(i.name);
  nlohmann::json row = {
      {"id", d.id},
      {"kind", to_string(d.kind)},
      {"parent_id", d.parent_id},
      {"url", d.url},
      {"site", d.site},
      {"title", d.title},
      {"text", d.text},
      {"author", d.author},
      {"source_name", d.source_name},
      {"published_at", d.published_at ? nlohmann::json(format_clickhouse_utc(*d.published_at)) : nlohmann::json(nullptr)},
      {"event_time", format_clickhouse_utc(d.published_at.value_or(d.fetched_at))},
      {"fetched_at", format_clickhouse_utc(d.fetched_at)},
      {"processed_at", format_clickhouse_utc(e.processed_at)},
      {"category_l1", t.category_l1},
      {"category_l2", t.category_l2},
      {"issues", issues},
      {"departments", all_departments(t)},
      {"sentiment_label", t.sentiment_label},
      {"sentiment_score", t.sentiment_score},
      {"intent", t.intent},
      {"places", t.places},
      {"keywords", t.keywords},
      {"content_hash", t.content_hash},
      {"story_id", t.story_id},
      {"tags_json", to_json_value(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
      {"version", uint64_t(e.processed_at)},
  };
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status sink_stage(stream::Consumer& consumer, stream::Producer& dead_letters, const Insert& insert,
                  const Config& config, const SinkRun& run, SinkStats& stats) {
  stream::StageOptions options;
  options.stage = "sink";
  options.batch_rows = size_t(config.sink.batch_rows);
  options.batch_bytes = size_t(config.sink.batch_bytes);
  options.batch_ms = config.sink.batch_ms;
  options.drain = run.drain;
  options.idle_exit_ms = run.idle_exit_ms;
  options.retry_base_ms = 200;
  options.max_retry_ms = config.sink.max_retry_ms;
  options.ack_timeout_ms = kKafkaAckTimeoutMs;
  options.dead_letter_topic = config.kafka.dead_letter_topic;
  options.transactional_dead_letters = true;
  options.transaction_attempts = kTransactionAttempts;
  InsertWriter documents(insert);
  stream::StageStats loop;
  const Status s = stream::run_stage(
      consumer, documents, dead_letters,
      [](const stream::Message& m, std::vector<stream::Record>& out) {
        EnrichedDocument d;
        if (Status v = parse_enriched(m.value, d); !v) return v;
        out.push_back({m.key, to_row(d)});
        return Status::ok();
      },
      options, loop);
  stats.consumed += loop.consumed;
  stats.inserted += loop.written;
  stats.dead_lettered += loop.dead_lettered;
  stats.batches += loop.batches;
  stats.retries += loop.retries;
  return s;
}

Status run_sink(const Config& config, const SinkRun& run, SinkStats& stats) {
  Client client(config.clickhouse);
  Status s;
  auto consumer = kafka::Consumer::create(config.kafka, config.sink.group, {config.kafka.enriched_topic}, s);
  if (!s) return s;
  auto dead_letters =
      kafka::Producer::create_transactional(config.kafka, config.sink.group + ".dead-letter." + run.instance, s);
  if (!s) return s;
  const Insert insert = [&client](const std::string& body) {
    return client.execute("INSERT INTO documents FORMAT JSONEachRow", body).status;
  };
  return sink_stage(*consumer, *dead_letters, insert, config, run, stats);
}

}  // namespace yuqing::clickhouse
