// Sink: Kafka topic yuqing.enriched -> ClickHouse table documents, on the stage loop
// (stream/stage_loop.h), which owns batching, acknowledgement, retries and commits.
//
// Contract
// - Batches by rows, bytes and time (SinkOptions) and inserts each batch as RowBinary
//   (storage/clickhouse/row_binary.h) in one (gzip-compressed) HTTP request. Each message is read
//   straight into its row (storage/enriched_row.h: the bytes and reject reasons of parse_enriched +
//   to_row_binary, without building the EnrichedDocument). Kafka offsets are
//   committed only after ClickHouse accepted the insert, so a crash at any point loses nothing; it
//   may insert a batch twice, which ReplacingMergeTree(id) and the id-set rollups absorb.
// - The insert of batch N runs on a thread of its own while the loop polls and encodes batch N+1
//   (StageOptions::overlap): N's offsets are still committed only after its insert returned ok,
//   and N+1's only after its own; see stream/stage_loop.h.
// - Messages that fail to parse or validate go to the dead-letter topic with the reason and are
//   counted; they never block their partition. If ClickHouse rejects a batch as unparseable, the
//   rows are inserted one by one to find and dead-letter the culprits. A batch with dead letters
//   commits its offsets in the same Kafka transaction as its dead letters (transactional id
//   "<group>.dead-letter.<instance>"), so each poison message is dead-lettered exactly once even
//   across crashes; if that transaction fails it is aborted and retried, and a rebalance in between
//   makes the sink exit (retry_later) so that its supervisor restarts it on the new assignment.
//   RowBinary leaves ClickHouse little to refuse in a row encoded from a valid document; a body
//   that does not fit the table (a column renamed or retyped without the sink) fails the whole
//   insert as invalid (UNKNOWN_IDENTIFIER, CANNOT_READ_ALL_DATA) and stops the sink rather than
//   dead-letter every row.
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

// Inserts a body of RowBinary rows (to_row_binary) into the documents table with kInsertRowBinary
// (ClickHouse in run_sink, a fake in tests). Called by one thread at a time, not always the same one
// (a batch's first try runs on the sink's insert thread, retries on the caller's).
using Insert = std::function<Status(const std::string& body)>;

// The statement of the sink's inserts: every column of documents, in the table's order.
extern const char* const kInsertRowBinary;

// The stage on given clients; `dead_letters` must be transactional (see the contract).
Status sink_stage(stream::Consumer& consumer, stream::Producer& dead_letters, const Insert& insert,
                  const Config& config, const SinkRun& run, SinkStats& stats);

// One row for the documents table in RowBinary, appended to `out`, columns as in kInsertRowBinary.
void to_row_binary(const EnrichedDocument& d, std::string& out);

// The same row as one JSONEachRow line (the sandbox loader and tests insert rows this way; the
// RowBinary round-trip test compares the two).
std::string to_row(const EnrichedDocument& d);

}  // namespace yuqing::clickhouse
