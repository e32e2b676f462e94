#include "ingest/record.h"

#include <cctype>

namespace yuqing::ingest {
namespace {

using json = nlohmann::json;

// The record's string field, "" when absent or null; a non-string value is an error naming the field.
bool field(const json& record, const char* name, std::string& out, std::string& why) {
  out.clear();
  auto it = record.find(name);
  if (it == record.end() || it->is_null()) return true;
  if (!it->is_string()) {
    why = std::string(name) + ": must be a string";
    return false;
  }
  out = it->get<std::string>();
  // Trim the whitespace exports pad fields with; inner text is kept as it is.
  const auto first = out.find_first_not_of(" \t\r\n");
  out = first == std::string::npos ? std::string() : out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
  return true;
}

// An explicit offset after the time: "...T09:30:00+08:00", "...T09:30Z", "...T09:30:00-0500".
bool has_offset(std::string_view s) {
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) return false;
  if (s.back() == 'Z' || s.back() == 'z') return true;
  return s.find_first_of("+-", 11) != std::string_view::npos;
}

bool is_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

}  // namespace

Status check_source_name(std::string_view source) {
  if (source.empty() || source.size() > 64) return Status::invalid("source: 1 to 64 characters");
  for (char c : source)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return Status::invalid("source: letters, digits, '-', '_' and '.' only, got '" + std::string(source) + "'");
  return Status::ok();
}

Importer::Importer(std::string source, UnixSeconds now) : source_(std::move(source)), now_(now) {}

std::string Importer::id_of(const std::string& url_or_external_id, const std::string& item_key) const {
  if (is_url(url_or_external_id)) return make_document_id(url_or_external_id, item_key);
  return make_document_id("ingest:" + source_, url_or_external_id);
}

void Importer::reject(size_t line, std::string why) {
  ++report_.rejected;
  ++report_.reasons[why.substr(0, why.find(':'))];
  report_.rejections.push_back({line, std::move(why)});
}

Importer::Outcome Importer::read(const json& record, size_t line, Document& out, std::string& why) {
  why.clear();
  auto reject = [&](std::string reason) {
    why = std::move(reason);
    this->reject(line, why);
    return Outcome::rejected;
  };
  if (!record.is_object()) return reject("record: not a JSON object");

  std::string kind, url, external_id, parent, published;
  out = Document{};
  if (!field(record, "kind", kind, why) || !field(record, "url", url, why) ||
      !field(record, "external_id", external_id, why) || !field(record, "parent", parent, why) ||
      !field(record, "title", out.title, why) || !field(record, "text", out.text, why) ||
      !field(record, "author", out.author, why) || !field(record, "source_name", out.source_name, why) ||
      !field(record, "published_at", published, why))
    return reject(why);

  // No kind: a public voice (post), as `yuqing analyze` reads text of unknown origin.
  const auto k = doc_kind_from_string(kind.empty() ? "post" : kind);
  if (!k) return reject("kind: one of article, comment, message, reply, post; got '" + kind + "'");
  out.kind = *k;
  if (!url.empty() && !is_url(url)) return reject("url: must start with http:// or https://, got '" + url + "'");
  if (url.empty() && external_id.empty()) return reject("url: a record needs a url or an external_id");
  if (out.text.empty()) return reject("text: empty");
  if (published.empty()) return reject("published_at: missing (ISO 8601 with an offset, e.g. 2026-10-05T09:30:00+08:00)");
  const auto t = parse_iso8601(published);
  if (!t || !has_offset(published))
    return reject("published_at: '" + published + "' is not ISO 8601 with an offset, e.g. 2026-10-05T09:30:00+08:00");
  if ((out.kind == DocKind::comment || out.kind == DocKind::reply) && parent.empty())
    return reject("parent: a " + kind + " needs its parent's url or external_id");

  out.id = url.empty() ? id_of(external_id, {}) : id_of(url, external_id);
  out.url = url;
  out.site = source_;
  out.published_at = *t;
  out.fetched_at = now_;
  if (!parent.empty()) {
    out.parent_id = id_of(parent, {});
    if (auto c = contexts_.find(out.parent_id); c != contexts_.end()) out.context = c->second;
  }
  if (!seen_.insert(out.id).second) {
    ++report_.duplicates;
    return Outcome::duplicate;
  }
  if (out.parent_id.empty()) contexts_.emplace(out.id, context_of(out));
  ++report_.accepted;
  return Outcome::accepted;
}

}  // namespace yuqing::ingest
