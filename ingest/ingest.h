// Ingest: a file (or a push request's body) of records in, documents on Kafka yuqing.raw out — the
// same topic the crawler writes, so processors, storage, alerts and reports need nothing new.
//
// Contract
// - JSON lines: one record per line (blank lines skipped). CSV (RFC 4180, libcsv): a header row
//   names the fields (ingest/record.h), every later row is a record; quoted cells may hold commas
//   and newlines. Input must be UTF-8 (a BOM is skipped); anything else is refused as a whole with
//   the iconv command that converts it, before a record is produced.
// - A bad record never stops the import: it is rejected with its line and the field at fault, and
//   the rest goes in. Records are produced in input order, keyed by document id.
// - The caller flushes the producer and only then reports success: a document counts as ingested
//   once Kafka acknowledged it. Re-running an import that failed half-way stores nothing twice
//   (ids are stable).
// - An import writes one crawl_health row for its source (records read, documents, rejections by
//   field, last_success), so the source appears in crawl health and the report's appendix.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/status.h"
#include "ingest/record.h"

namespace yuqing::ingest {

enum class Format { jsonl, csv };
std::optional<Format> format_from_name(std::string_view name);  // "jsonl" | "json" | "ndjson" | "csv"
Format format_of_path(std::string_view path);                   // .csv -> csv, anything else jsonl

// What happened to one record, for the push endpoint's per-line answer.
struct LineResult {
  size_t line = 0;
  Importer::Outcome outcome = Importer::Outcome::accepted;
  std::string id;    // accepted and duplicate
  std::string why;   // rejected
};

// Reads every record of `data`, hands each accepted document to `emit` (which produces it) and
// records each line's outcome in `lines` when given. Returns invalid only for input that is
// unreadable as a whole (not UTF-8, a CSV without a header, a CSV parse error); a failing `emit`
// stops the reading and is returned.
Status read_records(std::string_view data, Format format, Importer& importer,
                    const std::function<Status(const Document&)>& emit, std::vector<LineResult>* lines = nullptr);

// One JSONEachRow line for crawl_health (storage/clickhouse/migrations/005_crawl_health.sql).
std::string health_row(const Report& report, const std::string& source, const std::string& run_id, UnixSeconds now);

}  // namespace yuqing::ingest
