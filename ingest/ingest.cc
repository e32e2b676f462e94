#include "ingest/ingest.h"

#include <csv.h>

#include <nlohmann/json.hpp>

namespace yuqing::ingest {
namespace {

using json = nlohmann::json;

// Offset of the first byte that is not part of a well-formed UTF-8 sequence, or npos.
size_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return i;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    i += n;
  }
  return std::string_view::npos;
}

size_t line_of(std::string_view s, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i) line += s[i] == '\n';
  return line;
}

// One record through the importer and out through emit.
Status take(Importer& importer, const json& record, size_t line, const std::function<Status(const Document&)>& emit,
            std::vector<LineResult>* lines) {
  Document d;
  LineResult r;
  r.line = line;
  r.outcome = importer.read(record, line, d, r.why);
  if (r.outcome != Importer::Outcome::rejected) r.id = d.id;
  if (lines) lines->push_back(r);
  if (r.outcome == Importer::Outcome::accepted) return emit(d);
  return Status::ok();
}

Status read_jsonl(std::string_view data, Importer& importer, const std::function<Status(const Document&)>& emit,
                  std::vector<LineResult>* lines) {
  size_t line = 0;
  for (size_t start = 0; start < data.size();) {
    size_t end = data.find('\n', start);
    if (end == std::string_view::npos) end = data.size();
    std::string_view text = data.substr(start, end - start);
    start = end + 1;
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json record = json::parse(text, nullptr, false);
    if (record.is_discarded()) {
      importer.reject(line, "record: not valid JSON");
      if (lines) lines->push_back({line, Importer::Outcome::rejected, "", "record: not valid JSON"});
      continue;
    }
    if (Status s = take(importer, record, line, emit, lines); !s) return s;
  }
  return Status::ok();
}

// libcsv calls back per cell and per row; the physical line is tracked by feeding one line at a time.
struct CsvState {
  std::vector<std::string> header;
  std::vector<std::string> cells;
  size_t line = 0;        // the physical line being fed
  size_t row_line = 0;    // the line the current row started on
  bool header_done = false;
  Importer* importer = nullptr;
  const std::function<Status(const Document&)>* emit = nullptr;
  std::vector<LineResult>* lines = nullptr;
  Status failure;

  static void on_cell(void* s, size_t len, void* data) {
    auto* st = static_cast<CsvState*>(data);
    if (st->cells.empty()) st->row_line = st->line;
    st->cells.emplace_back(static_cast<const char*>(s), s ? len : 0);
  }
  static void on_row(int, void* data) { static_cast<CsvState*>(data)->row(); }

  void row() {
    std::vector<std::string> cells = std::move(this->cells);
    this->cells.clear();
    if (!failure) return;
    if (!header_done) {
      header = std::move(cells);
      for (auto& h : header) {
        const auto first = h.find_first_not_of(" \t");
        h = first == std::string::npos ? "" : h.substr(first, h.find_last_not_of(" \t") - first + 1);
      }
      header_done = true;
      return;
    }
    if (cells.size() == 1 && cells[0].empty()) return;  // a blank line
    if (cells.size() != header.size()) {
      const std::string why = "record: " + std::to_string(cells.size()) + " cells, the header has " + std::to_string(header.size());
      importer->reject(row_line, why);
      if (lines) lines->push_back({row_line, Importer::Outcome::rejected, "", why});
      return;
    }
    json record = json::object();
    for (size_t i = 0; i < header.size(); ++i)
      if (!header[i].empty() && !cells[i].empty()) record[header[i]] = cells[i];
    failure = take(*importer, record, row_line, *emit, lines);
  }
};

Status read_csv(std::string_view data, Importer& importer, const std::function<Status(const Document&)>& emit,
                std::vector<LineResult>* lines) {
  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0) return Status::fatal("ingest: cannot initialise the CSV parser");
  CsvState st;
  st.importer = &importer;
  st.emit = &emit;
  st.lines = lines;
  for (size_t start = 0; start < data.size() && st.failure;) {
    size_t end = data.find('\n', start);
    end = end == std::string_view::npos ? data.size() : end + 1;
    ++st.line;
    const std::string_view chunk = data.substr(start, end - start);
    if (csv_parse(&parser, chunk.data(), chunk.size(), &CsvState::on_cell, &CsvState::on_row, &st) != chunk.size()) {
      const std::string why = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      return Status::invalid("CSV line " + std::to_string(st.line) + ": " + why);
    }
    start = end;
  }
  csv_fini(&parser, &CsvState::on_cell, &CsvState::on_row, &st);
  csv_free(&parser);
  if (!st.failure) return st.failure;
  if (!st.header_done) return Status::invalid("CSV: no header row naming the fields (kind,url,external_id,...)");
  return Status::ok();
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  if (name == "jsonl" || name == "json" || name == "ndjson") return Format::jsonl;
  if (name == "csv") return Format::csv;
  return std::nullopt;
}

Format format_of_path(std::string_view path) {
  return path.size() >= 4 && (path.ends_with(".csv") || path.ends_with(".CSV")) ? Format::csv : Format::jsonl;
}

Status read_records(std::string_view data, Format format, Importer& importer,
                    const std::function<Status(const Document&)>& emit, std::vector<LineResult>* lines) {
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);  // the BOM spreadsheet programs write
  if (const size_t bad = invalid_utf8_at(data); bad != std::string_view::npos)
    return Status::invalid("input is not UTF-8 (first bad byte on line " + std::to_string(line_of(data, bad)) +
                           "); convert it first, e.g. iconv -f GB18030 -t UTF-8 FILE > FILE.utf8");
  return format == Format::csv ? read_csv(data, importer, emit, lines) : read_jsonl(data, importer, emit, lines);
}

std::string health_row(const Report& report, const std::string& source, const std::string& run_id, UnixSeconds now) {
  json reasons = json::array(), counts = json::array();
  for (const auto& [why, n] : report.reasons) {
    reasons.push_back("invalid " + why);
    counts.push_back(n);
  }
  const uint64_t records = report.accepted + report.rejected + report.duplicates;
  json row = {{"time", format_clickhouse_utc(now)},
              {"run_id", run_id},
              {"source", source},
              {"fetched", records},
              {"not_modified", report.duplicates},
              {"documents", report.accepted},
              {"dated", report.accepted},
              {"lists", 0},
              {"robots_disallowed", 0},
              {"retries", 0},
              {"failed", report.rejected},
              {"failed_reasons", reasons},
              {"failed_counts", counts},
              {"last_success", report.accepted > 0 ? json(format_clickhouse_utc(now)) : json(nullptr)}};
  return row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace yuqing::ingest
