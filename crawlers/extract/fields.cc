#include "crawlers/extract/fields.h"

#include <algorithm>
#include <cctype>

#include "crawlers/extract/datetime.h"

namespace yuqing::crawlers {
namespace {

// "留言人：网友a1" -> "网友a1": site templates put a label before names and units.
std::string strip_label(std::string s) {
  for (std::string_view colon : {"：", ":"}) {
    const size_t p = s.find(colon);
    if (p != std::string::npos && p <= 18 && s.find_first_of("0123456789") > p) {
      s.erase(0, p + colon.size());
      break;
    }
  }
  s.erase(0, s.find_first_not_of(" \t"));
  return s;
}

}  // namespace

std::optional<FieldSpec> FieldSpec::parse(std::string_view text, std::string* error) {
  FieldSpec f;
  std::string_view sel = text;
  const size_t at = text.rfind('@');
  if (at != std::string_view::npos && text.find(']', at) == std::string_view::npos) {
    f.attribute_ = std::string(text.substr(at + 1));
    std::transform(f.attribute_.begin(), f.attribute_.end(), f.attribute_.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    sel = text.substr(0, at);
    if (f.attribute_.empty()) {
      if (error) *error = "expected an attribute name after '@'";
      return std::nullopt;
    }
  }
  while (!sel.empty() && std::isspace(static_cast<unsigned char>(sel.back()))) sel.remove_suffix(1);
  if (!sel.empty()) {
    f.selector_ = Selector::parse(sel);
    if (!f.selector_) {
      if (error) *error = "bad or unsupported selector";
      return std::nullopt;
    }
  }
  return f;
}

std::string FieldSpec::extract(const GumboNode* scope, const std::vector<Selector>& drop) const {
  const GumboNode* n = selector_ ? selector_->select_first(scope) : scope;
  if (!n) return {};
  if (!attribute_.empty()) return attribute(n, attribute_);
  if (drop.empty()) return node_text(n);
  return node_text(n, [&](const GumboNode* e) {
    return std::any_of(drop.begin(), drop.end(), [&](const Selector& d) { return d.matches(e); });
  });
}

std::vector<std::string> FieldSpec::extract_all(const GumboNode* scope) const {
  if (!selector_) return {extract(scope)};
  std::vector<std::string> out;
  for (const GumboNode* n : selector_->select_all(scope)) out.push_back(attribute_.empty() ? node_text(n) : attribute(n, attribute_));
  return out;
}

std::optional<UnixSeconds> read_field_time(const std::string& text, std::optional<UnixSeconds> fetched_at) {
  if (auto t = parse_datetime_value(text)) return t;
  return fetched_at ? find_datetime(text, *fetched_at) : find_datetime(text);
}

void apply_fields(const Fields& f, const GumboNode* scope, const std::vector<Selector>& drop,
                  std::optional<UnixSeconds> fetched_at, ExtractedFields& out) {
  auto take = [&](const std::optional<FieldSpec>& spec, std::string& value, bool label) {
    if (!spec) return;
    std::string v = spec->extract(scope, drop);
    if (label) v = strip_label(v);
    if (!v.empty()) value = std::move(v);
  };
  take(f.title, out.title, false);
  take(f.text, out.text, false);
  take(f.author, out.author, true);
  take(f.source_name, out.source_name, true);
  if (f.published_at) {
    if (auto t = read_field_time(f.published_at->extract(scope), fetched_at)) out.published_at = t;
  }
}

}  // namespace yuqing::crawlers
