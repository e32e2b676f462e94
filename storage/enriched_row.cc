#include "storage/enriched_row.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/document.h"
#include "storage/clickhouse/row_binary.h"
#include "storage/sink.h"

namespace yuqing::clickhouse {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The value of each key of `Keys` in one object; absent keys stay unset.
template <size_t N>
struct Fields {
  std::array<std::optional<element>, N> value;
  const std::optional<element>& operator[](size_t i) const { return value[i]; }
};

// Fills `f` from `o`; false when a key of `keys` occurs twice (nlohmann keeps the last one: the
// slow path's business). Unknown keys are skipped, as parse_enriched skips them.
template <size_t N>
bool collect(object o, const std::array<std::string_view, N>& keys, Fields<N>& f) {
  for (const auto kv : o) {
    for (size_t i = 0; i < N; ++i) {
      if (kv.key != keys[i]) continue;
      if (f.value[i]) return false;
      f.value[i] = kv.value;
      break;
    }
  }
  return true;
}

bool absent(const std::optional<element>& v) { return !v || v->is_null(); }

// Reader::str of core/document.cc: missing or null is "" (or, if required, a failure); anything
// but a string is a failure.
bool str(const std::optional<element>& v, bool required, std::string_view& out) {
  out = {};
  if (absent(v)) return !required;
  return v->get_string().get(out) == simdjson::SUCCESS;
}

// Reader::number: missing or null is 0; int, uint and double all read as double.
bool number(const std::optional<element>& v, double& out) {
  out = 0;
  if (absent(v)) return true;
  const element_type t = v->type();
  if (t != element_type::INT64 && t != element_type::UINT64 && t != element_type::DOUBLE) return false;
  return v->get_double().get(out) == simdjson::SUCCESS;
}

// Reader::strings: missing or null is empty; otherwise an array of strings only.
bool strings(const std::optional<element>& v, std::vector<std::string_view>& out) {
  out.clear();
  if (absent(v)) return true;
  array a;
  if (v->get_array().get(a) != simdjson::SUCCESS) return false;
  for (const element e : a) {
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return false;
    out.push_back(s);
  }
  return true;
}

// Reader::time: the string's ISO 8601 time; "" (or missing, when allowed) is none.
bool time(const std::optional<element>& v, bool required, std::optional<UnixSeconds>& out) {
  out.reset();
  std::string_view s;
  if (!str(v, required, s)) return false;
  if (s.empty()) return true;
  out = parse_iso8601(s);
  return out.has_value();
}

bool object_or_ignored(const std::optional<element>& v, object& o) {
  return v && v->get_object().get(o) == simdjson::SUCCESS;
}

// nlohmann::json::dump(-1, ' ', false, replace) of a string, for valid UTF-8 (simdjson validated it).
void json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    out.push_back('\\');
    switch (c) {
      case '\b': out.push_back('b'); break;
      case '\t': out.push_back('t'); break;
      case '\n': out.push_back('n'); break;
      case '\f': out.push_back('f'); break;
      case '\r': out.push_back('r'); break;
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s, run, s.size() - run);
  out.push_back('"');
}

void json_strings(const std::vector<std::string_view>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    json_string(values[i], out);
  }
  out.push_back(']');
}

// A double as nlohmann::json writes it (shortest round-trip digits, "1.0" for whole numbers).
void json_number(double v, std::string& out) { out += nlohmann::json(v).dump(); }

struct Issue {
  std::string_view name;
  std::vector<std::string_view> departments;
  double score = 0;
  std::vector<std::string_view> evidence;
};

constexpr std::array<std::string_view, 16> kDocumentKeys = {
    "schema", "id", "kind", "parent_id", "context", "url", "site", "title",
    "text", "author", "source_name", "charset", "published_at", "fetched_at", "processed_at", "tags"};
enum DocumentKey { kSchema, kId, kKind, kParentId, kContext, kUrl, kSite, kTitle, kText, kAuthor, kSourceName,
                   kCharset, kPublishedAt, kFetchedAt, kProcessedAt, kTags };
constexpr std::array<std::string_view, 8> kTagKeys = {"category", "issues", "sentiment", "intent",
                                                      "places", "keywords", "content_hash", "story"};
enum TagKey { kCategory, kIssues, kSentiment, kIntent, kPlaces, kKeywords, kContentHash, kStory };
constexpr std::array<std::string_view, 3> kCategoryKeys = {"level1", "level2", "score"};
constexpr std::array<std::string_view, 3> kSentimentKeys = {"label", "score", "evidence"};
constexpr std::array<std::string_view, 4> kIssueKeys = {"name", "departments", "score", "evidence"};
constexpr std::array<std::string_view, 2> kStoryKeys = {"id", "match"};

}  // namespace

struct EnrichedRowReader::Impl {
  simdjson::dom::parser parser;
  std::string padded;     // the message with simdjson's padding after it
  std::string tags_json;  // the row's tags_json, built here first (its length precedes it)
  std::vector<Issue> issues;
  std::vector<std::string_view> sentiment_evidence, places, keywords, departments;

  // The row of `message` appended to `out`, or false (and `out` possibly half-written) when the
  // fast reader leaves the message to parse_enriched.
  bool fast(std::string_view message, std::string& out);
};

EnrichedRowReader::EnrichedRowReader() : impl_(std::make_unique<Impl>()) {}
EnrichedRowReader::~EnrichedRowReader() = default;

Status EnrichedRowReader::append_row(std::string_view message, std::string& out) {
  const size_t start = out.size();
  if (impl_->fast(message, out)) return Status::ok();
  out.resize(start);
  ++slow_reads_;
  EnrichedDocument d;
  if (Status s = parse_enriched(message, d); !s) return s;
  to_row_binary(d, out);
  return Status::ok();
}

bool EnrichedRowReader::Impl::fast(std::string_view message, std::string& out) {
  padded.assign(message);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  element root;
  if (parser.parse(padded.data(), message.size(), false).get(root) != simdjson::SUCCESS) return false;
  object doc;
  if (root.get_object().get(doc) != simdjson::SUCCESS) return false;
  Fields<kDocumentKeys.size()> f;
  if (!collect(doc, kDocumentKeys, f)) return false;

  // The checks of read_document and parse_enriched; any failure leaves the message to them.
  std::string_view schema, id, kind_name, parent_id, context, url, site, title, text, author, source_name, charset;
  if (!str(f[kSchema], true, schema) || schema != kEnrichedSchema) return false;
  if (!str(f[kId], true, id) || !str(f[kKind], true, kind_name) || !str(f[kParentId], false, parent_id) ||
      !str(f[kContext], false, context) || !str(f[kUrl], true, url) || !str(f[kSite], true, site) ||
      !str(f[kTitle], false, title) || !str(f[kText], true, text) || !str(f[kAuthor], false, author) ||
      !str(f[kSourceName], false, source_name) || !str(f[kCharset], false, charset))
    return false;
  std::optional<UnixSeconds> published_at, fetched, processed;
  if (!time(f[kPublishedAt], false, published_at) || !time(f[kFetchedAt], true, fetched)) return false;
  const UnixSeconds fetched_at = fetched.value_or(0);
  if (id.empty()) return false;
  const std::optional<DocKind> kind = doc_kind_from_string(kind_name);
  if (!kind) return false;

  object tags;
  if (!f[kTags] || f[kTags]->get_object().get(tags) != simdjson::SUCCESS) return false;
  Fields<kTagKeys.size()> t;
  if (!collect(tags, kTagKeys, t)) return false;

  std::string_view category_l1, category_l2;
  double category_score = 0;
  if (object c; object_or_ignored(t[kCategory], c)) {
    Fields<kCategoryKeys.size()> cf;
    if (!collect(c, kCategoryKeys, cf) || !str(cf[0], false, category_l1) || !str(cf[1], false, category_l2) ||
        !number(cf[2], category_score))
      return false;
  }
  std::string_view sentiment_label = "neutral";
  double sentiment_score = 0;
  sentiment_evidence.clear();
  if (object s; object_or_ignored(t[kSentiment], s)) {
    Fields<kSentimentKeys.size()> sf;
    if (!collect(s, kSentimentKeys, sf) || !str(sf[0], true, sentiment_label) || !number(sf[1], sentiment_score) ||
        !strings(sf[2], sentiment_evidence))
      return false;
    if (sentiment_label != "positive" && sentiment_label != "neutral" && sentiment_label != "negative") return false;
  }
  size_t issue_count = 0;  // issues[0, issue_count) are this message's (the rest: buffers kept for reuse)
  if (!absent(t[kIssues])) {
    array list;
    if (t[kIssues]->get_array().get(list) != simdjson::SUCCESS) return false;
    for (const element e : list) {
      object i;
      if (e.get_object().get(i) != simdjson::SUCCESS) return false;
      Fields<kIssueKeys.size()> fi;
      Issue& issue = issue_count < issues.size() ? issues[issue_count] : issues.emplace_back();
      ++issue_count;
      if (!collect(i, kIssueKeys, fi) || !str(fi[0], true, issue.name) || !strings(fi[1], issue.departments) ||
          !number(fi[2], issue.score) || !strings(fi[3], issue.evidence))
        return false;
    }
  }
  std::string_view intent, content_hash, story_id, story_match;
  if (!str(t[kIntent], false, intent) || !strings(t[kPlaces], places) || !strings(t[kKeywords], keywords) ||
      !str(t[kContentHash], false, content_hash))
    return false;
  if (object st; object_or_ignored(t[kStory], st)) {
    Fields<kStoryKeys.size()> stf;
    if (!collect(st, kStoryKeys, stf) || !str(stf[0], false, story_id) || !str(stf[1], false, story_match))
      return false;
  }
  if (!time(f[kProcessedAt], false, processed)) return false;
  const UnixSeconds processed_at = processed.value_or(0);

  // tags_json: to_json_value(tags).dump(), keys in nlohmann's (sorted) order.
  std::string& j = tags_json;
  j.clear();
  j += "{\"category\":{\"level1\":";
  json_string(category_l1, j);
  j += ",\"level2\":";
  json_string(category_l2, j);
  j += ",\"score\":";
  json_number(category_score, j);
  j += "},\"content_hash\":";
  json_string(content_hash, j);
  j += ",\"intent\":";
  json_string(intent, j);
  j += ",\"issues\":[";
  for (size_t i = 0; i < issue_count; ++i) {
    if (i) j.push_back(',');
    j += "{\"departments\":";
    json_strings(issues[i].departments, j);
    j += ",\"evidence\":";
    json_strings(issues[i].evidence, j);
    j += ",\"name\":";
    json_string(issues[i].name, j);
    j += ",\"score\":";
    json_number(issues[i].score, j);
    j.push_back('}');
  }
  j += "],\"keywords\":";
  json_strings(keywords, j);
  j += ",\"places\":";
  json_strings(places, j);
  j += ",\"sentiment\":{\"evidence\":";
  json_strings(sentiment_evidence, j);
  j += ",\"label\":";
  json_string(sentiment_label, j);
  j += ",\"score\":";
  json_number(sentiment_score, j);
  j += "},\"story\":{\"id\":";
  json_string(story_id, j);
  j += ",\"match\":";
  json_string(story_match, j);
  j += "}}";

  // departments: every issue's, first occurrence first (all_departments in sink.cc).
  departments.clear();
  for (size_t i = 0; i < issue_count; ++i)
    for (const std::string_view d : issues[i].departments)
      if (std::find(departments.begin(), departments.end(), d) == departments.end()) departments.push_back(d);

  // The row, column by column as kInsertRowBinary lists them (to_row_binary in sink.cc).
  RowBinaryWriter w(out);
  w.string(id);
  w.string(to_string(*kind));
  w.string(parent_id);
  w.string(url);
  w.string(site);
  w.string(title);
  w.string(text);
  w.string(author);
  w.string(source_name);
  w.nullable_datetime(published_at);
  w.datetime(published_at.value_or(fetched_at));
  w.datetime(fetched_at);
  w.datetime(processed_at);
  w.string(category_l1);
  w.string(category_l2);
  w.var_uint(issue_count);
  for (size_t i = 0; i < issue_count; ++i) w.string(issues[i].name);
  w.string_views(departments);
  w.string(sentiment_label);
  w.float32(float(sentiment_score));
  w.string(intent);
  w.string_views(places);
  w.string_views(keywords);
  w.string(content_hash);
  w.string(j);
  w.uint64(uint64_t(processed_at));
  w.string(story_id);
  return true;
}

}  // namespace yuqing::clickhouse
