// Ingest records: documents from outside the crawler — a third-party monitoring service's export, a
// partner department's message-board dump (the seed's item (九)8) — read into the same yuqing.raw/1
// Document the crawler produces, so the processors, storage, alerts and reports treat them alike.
//
// Contract
// - A record is one flat JSON object (a JSON line, or a CSV row whose header names the fields) of
//   yuqing.raw/1 fields: kind, url, external_id, parent, title, text, author, source_name,
//   published_at. Unknown fields are ignored; `id`, `site` and `fetched_at` are never taken from
//   the record (the importer sets them).
// - Validation names the field and stops at the first problem: kind is one of article, comment,
//   message, reply, post (absent: post, a public voice); a record has a url or an external_id; text is not empty; published_at is
//   ISO 8601 with an offset ("2026-10-05T09:30:00+08:00" — a time without one is ambiguous); a
//   comment or reply names its parent; fields are strings.
// - Identity is stable, so importing a file again stores nothing new: with a url, the id is the
//   crawler's (make_document_id(url, external_id)); without, it is make_document_id("ingest:<source>",
//   external_id). A parent is referred to by its url or external_id and resolved the same way.
// - site = the source name, so the source shows in crawl health and source coverage like a crawled
//   site. A record whose id was already read is a duplicate: counted, not produced again.
// - A comment's or reply's `context` (what its parent is about) is filled when the parent came
//   earlier in the same import, as the crawler does for a page and its comments.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/document.h"
#include "core/status.h"

namespace yuqing::ingest {

// What an import did, for the operator: counts, and each rejected record with where and why.
struct Report {
  struct Rejection {
    size_t line = 0;       // JSON lines: the line; CSV: the line the row starts on
    std::string reason;    // "published_at: needs an offset such as +08:00"
  };
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;  // records whose id an earlier record of the same import had
  std::vector<Rejection> rejections;
  std::map<std::string, uint64_t> reasons;  // the field a rejection named -> how often
};

class Importer {
 public:
  // `source`: the name the documents carry as their site (letters, digits, '-', '_', '.').
  Importer(std::string source, UnixSeconds now);

  enum class Outcome { accepted, duplicate, rejected };
  // Reads one record into `out`. rejected: `why` names the field. The Report is updated either way.
  Outcome read(const nlohmann::json& record, size_t line, Document& out, std::string& why);
  // A record that could not even be read (malformed JSON line, a CSV row of the wrong width).
  void reject(size_t line, std::string why);

  const Report& report() const { return report_; }
  const std::string& source() const { return source_; }

 private:
  std::string id_of(const std::string& url_or_external_id, const std::string& item_key) const;

  std::string source_;
  UnixSeconds now_;
  Report report_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> contexts_;  // id -> context_of(document), for later children
};

// A source name is what `--source` and the push endpoint's `source` accept.
Status check_source_name(std::string_view source);

}  // namespace yuqing::ingest
