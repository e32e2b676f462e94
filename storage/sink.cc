#include "storage/sink.h"

#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/clickhouse/client.h"
#include "storage/clickhouse/row_binary.h"
#include "storage/enriched_row.h"
#include "stream/kafka.h"

namespace yuqing::clickhouse {
namespace {

constexpr int kKafkaAckTimeoutMs = 60000;
constexpr int kTransactionAttempts = 5;

// The batch's rows into the documents table: one RowBinary insert; if ClickHouse rejects it as
// unparseable, row by row, refusing the culprits. A retry_later resumes where it stopped, so a row
// ClickHouse accepted is not inserted (or counted) twice by the retry.
//
// The batch's first try runs on a thread of its own, started by send(), so that it overlaps the
// stage loop's polling and encoding of the next batch (StageOptions::overlap); acknowledge() waits
// for it. Only one insert is ever in progress (the loop sends the next batch only after this one is
// acknowledged), so the Insert (one ClickHouse client) is used by one thread at a time, handed over
// by the future's get(). Retries and the row-by-row search run in the loop's thread.
class InsertWriter final : public stream::Writer {
 public:
  explicit InsertWriter(const Insert& insert) : insert_(insert) {}
  ~InsertWriter() override {
    if (first_try_.valid()) first_try_.wait();  // a run that ended early must not leave it running
  }

  Status send(const std::vector<stream::Record>& records) override {
    records_ = &records;
    size_t bytes = 0;
    for (const auto& r : records) bytes += r.value.size();
    body_.clear();
    body_.reserve(bytes);
    for (const auto& r : records) body_ += r.value;
    one_by_one_ = false;
    next_ = 0;
    if (!records.empty()) first_try_ = std::async(std::launch::async, [this] { return insert_(body_); });
    return Status::ok();
  }

  Status acknowledge(std::vector<stream::DeadLetter>& rejected) override {
    if (records_->empty()) return Status::ok();
    if (!one_by_one_) {
      Status s = first_try_.valid() ? first_try_.get() : insert_(body_);
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
  std::future<Status> first_try_;  // the batch's whole insert, until acknowledge() takes its answer
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

const char* const kInsertRowBinary =
    "INSERT INTO documents (id, kind, parent_id, url, site, title, text, author, source_name, published_at, "
    "event_time, fetched_at, processed_at, category_l1, category_l2, issues, departments, sentiment_label, "
    "sentiment_score, intent, places, keywords, content_hash, tags_json, version, story_id) FORMAT RowBinary";

// Column by column as kInsertRowBinary lists them; the types are those of migrations/001 and 003.
void to_row_binary(const EnrichedDocument& e, std::string& out) {
  const Document& d = e.doc;
  const Tags& t = e.tags;
  RowBinaryWriter w(out);
  w.string(d.id);
  w.string(to_string(d.kind));
  w.string(d.parent_id);
  w.string(d.url);
  w.string(d.site);
  w.string(d.title);
  w.string(d.text);
  w.string(d.author);
  w.string(d.source_name);
  w.nullable_datetime(d.published_at);                      // Nullable(DateTime('UTC'))
  w.datetime(d.published_at.value_or(d.fetched_at));        // event_time
  w.datetime(d.fetched_at);
  w.datetime(e.processed_at);
  w.string(t.category_l1);
  w.string(t.category_l2);
  w.var_uint(t.issues.size());                              // issues Array(String)
  for (const auto& i : t.issues) w.string(i.name);
  w.strings(all_departments(t));
  w.string(t.sentiment_label);
  w.float32(float(t.sentiment_score));
  w.string(t.intent);
  w.strings(t.places);
  w.strings(t.keywords);
  w.string(t.content_hash);
  w.string(to_json_value(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  w.uint64(uint64_t(e.processed_at));                       // version
  w.string(t.story_id);
}

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
  options.overlap = true;  // encode batch N+1 while batch N is being inserted
  InsertWriter documents(insert);
  EnrichedRowReader rows;  // the message's row straight from its JSON (storage/enriched_row.h)
  stream::StageStats loop;
  const Status s = stream::run_stage(
      consumer, documents, dead_letters,
      [&rows](const stream::Message& m, std::vector<stream::Record>& out) {
        stream::Record& r = out.emplace_back();
        r.key = m.key;
        return rows.append_row(m.value, r.value);
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
    return client.execute(kInsertRowBinary, body).status;
  };
  return sink_stage(*consumer, *dead_letters, insert, config, run, stats);
}

}  // namespace yuqing::clickhouse
