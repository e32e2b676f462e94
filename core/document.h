// Document: what crawlers produce (topic yuqing.raw) and processors enrich (topic yuqing.enriched).
//
// Wire format: one JSON object per Kafka message, keyed by `id`. Every message carries
// "schema": "yuqing.raw/1" or "yuqing.enriched/1"; a reader rejects (dead-letters) a message whose
// schema it does not know or whose required fields are missing, and ignores fields it does not know,
// so producers may add optional fields without a version bump. docs/ARCHITECTURE.md documents it.
//
// Identity: `id` is derived from the canonical URL and an item key (comment id, reply number...),
// so re-crawling the same item yields the same id and storage can deduplicate by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"

namespace yuqing {

inline constexpr std::string_view kRawSchema = "yuqing.raw/1";
inline constexpr std::string_view kEnrichedSchema = "yuqing.enriched/1";

// What kind of item a document is; a comment/reply points at its parent with parent_id.
enum class DocKind { article, comment, message, reply, post };
const char* to_string(DocKind kind);
std::optional<DocKind> doc_kind_from_string(std::string_view s);

struct Document {
  std::string id;
  DocKind kind = DocKind::article;
  std::string parent_id;    // empty for top-level items
  // What the parent (the article a comment is under, the message a reply answers, the first post
  // of a thread) is about: context_of(parent). Comments rarely repeat where and what they are
  // about; the analyzer falls back on it for places, category and issues. Empty for top-level items.
  std::string context;
  std::string url;          // canonical URL of the page the item was found on
  std::string site;         // source name from configs/sources.yaml
  std::string title;
  std::string text;         // main text, UTF-8, as extracted (the processors keep it unchanged)
  std::string author;
  std::string source_name;  // 来源 / media name when the page states one
  std::optional<UnixSeconds> published_at;
  UnixSeconds fetched_at = 0;
  std::string charset;      // charset the page was decoded from
};

struct IssueTag {
  std::string name;
  std::vector<std::string> departments;  // 牵头/责任单位 named by the seed plan
  double score = 0;
  std::vector<std::string> evidence;     // matched terms
};

struct Tags {
  std::string category_l1;
  std::string category_l2;
  double category_score = 0;
  std::vector<IssueTag> issues;
  std::string sentiment_label = "neutral";  // positive | neutral | negative
  double sentiment_score = 0;               // [-1, 1], sign = polarity
  std::vector<std::string> sentiment_evidence;
  std::string intent = "news";              // complaint | inquiry | suggestion | praise | news
  std::vector<std::string> places;
  std::vector<std::string> keywords;
  std::string content_hash;                 // hash of the normalised text, for exact duplicates
  std::string story_id;                     // content hash of the story's first document (processors/stories.h)
  std::string story_match;                  // "" (opened the story), "exact" or "near" duplicate
};

struct EnrichedDocument {
  Document doc;
  Tags tags;
  UnixSeconds processed_at = 0;
};

// A parent's title and the opening of its text (kContextChars characters at most, cut at a
// character boundary), one per line: where a news story or message names its place and matter.
inline constexpr size_t kContextChars = 200;
std::string context_of(const Document& parent);

// Stable document id: 32 hex digits of SHA-1 over the canonical URL and the item key.
std::string make_document_id(std::string_view canonical_url, std::string_view item_key = {});

std::string to_json(const Document& d);
std::string to_json(const EnrichedDocument& d);
nlohmann::json to_json_value(const Tags& t);

// Parse and validate; a Status of kind `reject` names the first problem found.
Status parse_document(std::string_view json, Document& out);
Status parse_enriched(std::string_view json, EnrichedDocument& out);

}  // namespace yuqing
