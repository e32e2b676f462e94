#include "storage/sink.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/shutdown.h"
#include "storage/clickhouse/client.h"
#include "stream/kafka.h"

namespace yuqing::clickhouse {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kKafkaAckTimeoutMs = 60000;
constexpr int kTransactionAttempts = 5;

struct Row {
  const kafka::Message* source;
  std::string line;
};

// Sleeps in short steps so that a shutdown request is noticed promptly.
void backoff_sleep(int ms) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until && !shutdown_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

class SinkLoop {
 public:
  SinkLoop(const Config& c, SinkStats& stats) : config_(c), stats_(stats), client_(c.clickhouse) {}

  Status run(const SinkRun& run) {
    Status s;
    consumer_ = kafka::Consumer::create(config_.kafka, config_.sink.group, {config_.kafka.enriched_topic}, s);
    if (!s) return s;
    dead_letters_ = kafka::Producer::create_transactional(
        config_.kafka, config_.sink.group + ".dead-letter." + run.instance, s);
    if (!s) return s;
    auto last_message = Clock::now();
    while (!shutdown_requested()) {
      std::vector<kafka::Message> batch = collect(s);
      if (!s && s.kind() == Status::Kind::fatal) return s;
      if (!s) spdlog::warn("sink: {}", s.to_string());
      if (batch.empty()) {
        if (run.drain && consumer_->at_end()) break;
        if (run.drain && run.idle_exit_ms > 0 &&
            Clock::now() - last_message > std::chrono::milliseconds(run.idle_exit_ms))
          break;
        continue;
      }
      last_message = Clock::now();
      if (Status st = write(batch); !st) return st;
    }
    return Status::ok();
  }

 private:
  // Gathers one batch: up to batch_rows messages or batch_bytes, waiting at most batch_ms.
  std::vector<kafka::Message> collect(Status& error) {
    std::vector<kafka::Message> batch;
    size_t bytes = 0;
    const auto deadline = Clock::now() + std::chrono::milliseconds(config_.sink.batch_ms);
    while (batch.size() < size_t(config_.sink.batch_rows) && bytes < size_t(config_.sink.batch_bytes)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      auto more = consumer_->poll(size_t(config_.sink.batch_rows) - batch.size(), int(left), error);
      if (more.empty()) break;
      for (auto& m : more) {
        bytes += m.value.size();
        batch.push_back(std::move(m));
      }
      if (!error) break;
    }
    return batch;
  }

  Status write(const std::vector<kafka::Message>& batch) {
    stats_.consumed += batch.size();
    std::vector<Row> rows;
    for (const auto& m : batch) {
      EnrichedDocument d;
      if (Status s = parse_enriched(m.value, d); !s) {
        if (Status dl = dead_letter(m, s); !dl) return dl;
        continue;
      }
      rows.push_back({&m, to_row(d)});
    }
    if (Status s = insert_with_retry(rows); !s) return s;
    if (!poison_.empty()) {
      if (Status s = commit_with_dead_letters(batch); !s) return s;
    } else if (Status s = consumer_->commit(batch); !s) {
      // A failed commit (e.g. the partitions moved in a rebalance) only means these rows may be
      // inserted again by the next owner, which the ReplacingMergeTree absorbs.
      spdlog::warn("sink: offset commit failed ({}); rows are stored, continuing", s.to_string());
    }
    stats_.dead_lettered += poison_.size();
    poison_.clear();
    ++stats_.batches;
    return Status::ok();
  }

  // Dead letters and offsets in one transaction; an aborted one is tried again from the start.
  Status commit_with_dead_letters(const std::vector<kafka::Message>& batch) {
    Status s;
    for (int attempt = 1; attempt <= kTransactionAttempts; ++attempt) {
      s = dead_letters_->begin();
      for (const auto& [m, why] : poison_) {
        if (!s) break;
        s = dead_letters_->produce(config_.kafka.dead_letter_topic, m->key, kafka::dead_letter_record(*m, why, "sink"));
      }
      if (s) s = dead_letters_->commit_with_offsets(*consumer_, batch, kKafkaAckTimeoutMs);
      if (s || s.kind() == Status::Kind::fatal) return s;
      spdlog::warn("sink: dead-letter transaction failed (attempt {} of {}): {}", attempt, kTransactionAttempts, s.message());
      backoff_sleep(500 * attempt);
    }
    return s;
  }

  // Dead letters are produced when the batch commits (commit_with_dead_letters).
  Status dead_letter(const kafka::Message& m, const Status& why) {
    spdlog::warn("sink: dead-lettering {}/{}@{}: {}", m.topic, m.partition, m.offset, why.to_string());
    poison_.emplace_back(&m, why);
    return Status::ok();
  }

  Status insert_with_retry(const std::vector<Row>& rows) {
    if (rows.empty()) return Status::ok();
    std::string body;
    for (const auto& r : rows) body += r.line;
    int delay = 200;
    for (;;) {
      Status s = insert(body);
      if (s) {
        stats_.inserted += rows.size();
        return s;
      }
      if (s.kind() == Status::Kind::reject) return insert_one_by_one(rows);
      if (s.kind() != Status::Kind::retry_later) return s;
      if (shutdown_requested()) return Status::retry_later("shutdown while ClickHouse was unavailable: " + s.message());
      ++stats_.retries;
      spdlog::warn("sink: insert of {} rows failed, retrying in {} ms: {}", rows.size(), delay, s.message());
      backoff_sleep(delay);
      delay = std::min(delay * 2, config_.sink.max_retry_ms);
    }
  }

  Status insert_one_by_one(const std::vector<Row>& rows) {
    for (const auto& r : rows) {
      Status s = insert(r.line);
      if (s.kind() == Status::Kind::reject) {
        if (Status dl = dead_letter(*r.source, s); !dl) return dl;
        continue;
      }
      if (!s) {
        if (Status again = insert_with_retry({r}); !again) return again;
        continue;
      }
      ++stats_.inserted;
    }
    return Status::ok();
  }

  Status insert(const std::string& body) {
    return client_.execute("INSERT INTO documents FORMAT JSONEachRow", body).status;
  }

  const Config& config_;
  SinkStats& stats_;
  Client client_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<kafka::Producer> dead_letters_;
  std::vector<std::pair<const kafka::Message*, Status>> poison_;  // of the batch being written
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

Status run_sink(const Config& config, const SinkRun& run, SinkStats& stats) {
  SinkLoop loop(config, stats);
  return loop.run(run);
}

}  // namespace yuqing::clickhouse
