#include "core/document.h"

#include <array>
#include <nlohmann/json.hpp>

#include "core/hash.h"

namespace yuqing {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kKindNames = {"article", "comment", "message", "reply", "post"};

json document_fields(const Document& d) {
  json j = {{"id", d.id},
            {"kind", to_string(d.kind)},
            {"url", d.url},
            {"site", d.site},
            {"title", d.title},
            {"text", d.text},
            {"fetched_at", format_iso8601(d.fetched_at)}};
  if (!d.parent_id.empty()) j["parent_id"] = d.parent_id;
  if (!d.context.empty()) j["context"] = d.context;
  if (!d.author.empty()) j["author"] = d.author;
  if (!d.source_name.empty()) j["source_name"] = d.source_name;
  if (!d.charset.empty()) j["charset"] = d.charset;
  j["published_at"] = d.published_at ? json(format_iso8601(*d.published_at)) : json(nullptr);
  return j;
}

// Small typed readers so that every schema violation is reported with the field's name.
struct Reader {
  const json& j;
  std::string error;

  std::string str(const char* key, bool required) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required && error.empty()) error = std::string("missing field '") + key + "'";
      return {};
    }
    if (!it->is_string()) {
      if (error.empty()) error = std::string("field '") + key + "' must be a string";
      return {};
    }
    return it->get<std::string>();
  }

  std::optional<UnixSeconds> time(const char* key, bool required) {
    const std::string s = str(key, required);
    if (s.empty()) return std::nullopt;
    auto t = parse_iso8601(s);
    if (!t && error.empty()) error = std::string("field '") + key + "' is not an ISO 8601 time: " + s;
    return t;
  }

  double number(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return 0;
    if (!it->is_number()) {
      if (error.empty()) error = std::string("field '") + key + "' must be a number";
      return 0;
    }
    return it->get<double>();
  }

  std::vector<std::string> strings(const json& obj, const char* key) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return out;
    if (!it->is_array()) {
      if (error.empty()) error = std::string("field '") + key + "' must be an array of strings";
      return out;
    }
    for (const auto& v : *it) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      } else if (error.empty()) {
        error = std::string("field '") + key + "' must be an array of strings";
      }
    }
    return out;
  }
};

Status read_document(const json& j, std::string_view expected_schema, Document& d) {
  if (!j.is_object()) return Status::reject("not a JSON object");
  Reader r{j, {}};
  const std::string schema = r.str("schema", true);
  if (!r.error.empty()) return Status::reject(r.error);
  if (schema != expected_schema)
    return Status::reject("unknown schema '" + schema + "', expected '" + std::string(expected_schema) + "'");
  d.id = r.str("id", true);
  const std::string kind = r.str("kind", true);
  d.parent_id = r.str("parent_id", false);
  d.context = r.str("context", false);
  d.url = r.str("url", true);
  d.site = r.str("site", true);
  d.title = r.str("title", false);
  d.text = r.str("text", true);
  d.author = r.str("author", false);
  d.source_name = r.str("source_name", false);
  d.charset = r.str("charset", false);
  d.published_at = r.time("published_at", false);
  d.fetched_at = r.time("fetched_at", true).value_or(0);
  if (!r.error.empty()) return Status::reject(r.error);
  if (d.id.empty()) return Status::reject("field 'id' is empty");
  auto k = doc_kind_from_string(kind);
  if (!k) return Status::reject("unknown kind '" + kind + "'");
  d.kind = *k;
  return Status::ok();
}

}  // namespace

const char* to_string(DocKind kind) { return kKindNames[size_t(kind)].data(); }

std::optional<DocKind> doc_kind_from_string(std::string_view s) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return DocKind(i);
  return std::nullopt;
}

std::string context_of(const Document& parent) {
  std::string out = parent.title;
  if (!out.empty() && !parent.text.empty()) out += '\n';
  size_t end = 0;
  for (size_t chars = 0; end < parent.text.size() && chars < kContextChars; ++chars) {
    ++end;  // past the lead byte, then past its continuation bytes (10xxxxxx)
    while (end < parent.text.size() && (static_cast<unsigned char>(parent.text[end]) & 0xC0) == 0x80) ++end;
  }
  return out.append(parent.text, 0, end);
}

std::string make_document_id(std::string_view canonical_url, std::string_view item_key) {
  if (item_key.empty()) return fingerprint(canonical_url);
  std::string input(canonical_url);
  input.push_back('\n');
  input.append(item_key);
  return fingerprint(input);
}

json to_json_value(const Tags& t) {
  json issues = json::array();
  for (const auto& i : t.issues)
    issues.push_back({{"name", i.name}, {"departments", i.departments}, {"score", i.score}, {"evidence", i.evidence}});
  return {{"category", {{"level1", t.category_l1}, {"level2", t.category_l2}, {"score", t.category_score}}},
          {"issues", issues},
          {"sentiment", {{"label", t.sentiment_label}, {"score", t.sentiment_score}, {"evidence", t.sentiment_evidence}}},
          {"intent", t.intent},
          {"places", t.places},
          {"keywords", t.keywords},
          {"content_hash", t.content_hash},
          {"story", {{"id", t.story_id}, {"match", t.story_match}}}};
}

std::string to_json(const Document& d) {
  json j = document_fields(d);
  j["schema"] = kRawSchema;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const EnrichedDocument& e) {
  json j = document_fields(e.doc);
  j["schema"] = kEnrichedSchema;
  j["tags"] = to_json_value(e.tags);
  j["processed_at"] = format_iso8601(e.processed_at);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status parse_document(std::string_view text, Document& out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::reject("malformed JSON");
  return read_document(j, kRawSchema, out);
}

Status parse_enriched(std::string_view text, EnrichedDocument& out) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::reject("malformed JSON");
  if (Status s = read_document(j, kEnrichedSchema, out.doc); !s) return s;
  auto tags = j.find("tags");
  if (tags == j.end() || !tags->is_object()) return Status::reject("missing object 'tags'");
  Reader r{*tags, {}};
  Tags& t = out.tags;
  if (auto c = tags->find("category"); c != tags->end() && c->is_object()) {
    Reader rc{*c, {}};
    t.category_l1 = rc.str("level1", false);
    t.category_l2 = rc.str("level2", false);
    t.category_score = rc.number(*c, "score");
    if (!rc.error.empty()) return Status::reject("tags.category: " + rc.error);
  }
  if (auto s = tags->find("sentiment"); s != tags->end() && s->is_object()) {
    Reader rs{*s, {}};
    t.sentiment_label = rs.str("label", true);
    t.sentiment_score = rs.number(*s, "score");
    t.sentiment_evidence = rs.strings(*s, "evidence");
    if (!rs.error.empty()) return Status::reject("tags.sentiment: " + rs.error);
    if (t.sentiment_label != "positive" && t.sentiment_label != "neutral" && t.sentiment_label != "negative")
      return Status::reject("tags.sentiment: unknown label '" + t.sentiment_label + "'");
  }
  if (auto is = tags->find("issues"); is != tags->end() && !is->is_null()) {
    if (!is->is_array()) return Status::reject("tags.issues must be an array");
    for (const auto& i : *is) {
      if (!i.is_object()) return Status::reject("tags.issues entries must be objects");
      Reader ri{i, {}};
      IssueTag tag{ri.str("name", true), ri.strings(i, "departments"), ri.number(i, "score"), ri.strings(i, "evidence")};
      if (!ri.error.empty()) return Status::reject("tags.issues: " + ri.error);
      t.issues.push_back(std::move(tag));
    }
  }
  t.intent = r.str("intent", false);
  t.places = r.strings(*tags, "places");
  t.keywords = r.strings(*tags, "keywords");
  t.content_hash = r.str("content_hash", false);
  if (auto st = tags->find("story"); st != tags->end() && st->is_object()) {
    Reader rs{*st, {}};
    t.story_id = rs.str("id", false);
    t.story_match = rs.str("match", false);
    if (!rs.error.empty()) return Status::reject("tags.story: " + rs.error);
  }
  if (!r.error.empty()) return Status::reject("tags: " + r.error);
  Reader rt{j, {}};
  out.processed_at = rt.time("processed_at", false).value_or(0);
  if (!rt.error.empty()) return Status::reject(rt.error);
  return Status::ok();
}

}  // namespace yuqing
