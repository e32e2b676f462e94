// Sink: Kafka topic yuqing.enriched -> ClickHouse table documents, on the stage loop
// (stream/stage_loop.h), which owns batching, acknowledgement, retries and commits.
//
// Contract
// - Batches by rows, bytes and time (SinkOptions) and inserts each batch as JSONEachRow in one
//   (gzip-compressed) HTTP request. Kafka offsets are committed only after ClickHouse accepted the
//   insert, so a crash at any point loses nothing; it may insert a batch twice, which
//   ReplacingMergeTree(id) and the id-set rollups absorb.
// - Messages that fail to parse or validate go to the dead-letter topic with the reason and are
//   counted; they never block their partition. If ClickHouse rejects a batch as unparseable, the
//   rows are inserted one by one to find and dead-letter the culprits. A batch with dead letters
//   commits its offsets in the same Kafka transaction as its dead letters (transactional id
//   "<group>.dead-letter.<instance>"), so each poison message is dead-lettered exactly once even
//   across crashes; if that transaction fails it is aborted and retried, and a rebalance in between
//   makes the sink exit (retry_later) so that its supervisor restarts it on the new assignment.
// - While ClickHouse is unreachable (retry_later), the same batch is retried with exponential
//   backoff up to SinkOptions::max_retry_ms between tries, indefinitely, until shutdown; during a
//   row-by-row search the retry resumes at the row that failed (rows before it are not re-sent).
// - invalid/fatal errors (schema missing, bad credentials) stop the sink with that Status.
// One Sink per thread; scale out by running more processes in the same consumer group.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/config.h"
#include "core/document.h"
#include "core/status.h"
#include "stream/stage_loop.h"
#include "stream/stream.h"

namespace yuqing::clickhouse {

struct SinkStats {
  uint64_t consumed = 0;
  uint64_t inserted = 0;
  uint64_t dead_lettered = 0;
  uint64_t batches = 0;
  uint64_t retries = 0;
};

struct SinkRun {
  bool drain = false;   // stop once every assigned partition is read to its end
  int idle_exit_ms = 0; // with drain: also stop after this long without messages (0 = wait)
  std::string instance = "0";  // unique per sink process of the group (names its transactional id)
};

// Creates the ClickHouse client, the Kafka consumer (group sink.group) and the transactional
// dead-letter producer, then runs sink_stage().
Status run_sink(const Config& config, const SinkRun& run, SinkStats& stats);

// Inserts a JSONEachRow body into the documents table (ClickHouse in run_sink, a fake in tests).
using Insert = std::function<Status(const std::string& body)>;

// The stage on given clients; `dead_letters` must be transactional (see the contract).
Status sink_stage(stream::Consumer& consumer, stream::Producer& dead_letters, const Insert& insert,
                  const Config& config, const SinkRun& run, SinkStats& stats);

// One JSONEachRow line for the documents table (exposed for tests).
std::string to_row(const EnrichedDocument& d);

}  // namespace yuqing::clickhouse
