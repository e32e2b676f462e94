#include "crawlers/sources.h"

#include <algorithm>
#include <set>

#include "core/yaml_reader.h"
#include "crawlers/url.h"

namespace yuqing::crawlers {
namespace {

std::vector<std::regex> patterns(YamlSection& s, const std::string& key) {
  std::vector<std::string> raw;
  s.read(key, raw);
  std::vector<std::regex> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    try {
      out.emplace_back(raw[i], std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      s.fail(key + "[" + std::to_string(i) + "]", "bad regular expression '" + raw[i] + "': " + e.what());
    }
  }
  return out;
}

bool any_match(const std::vector<std::regex>& list, const std::string& url) {
  return std::any_of(list.begin(), list.end(), [&](const std::regex& r) { return std::regex_search(url, r); });
}

}  // namespace

bool Source::is_list(const std::string& url) const { return any_match(follow, url); }
bool Source::is_document(const std::string& url) const { return any_match(documents, url); }

std::vector<Source> load_sources(const std::filesystem::path& file) {
  YamlSection root(load_yaml_file(file.string()), file.string());
  std::vector<Source> out;
  std::set<std::string> names;
  for (auto& s : root.children("sources")) {
    Source src;
    s.read("name", src.name);
    if (src.name.empty()) s.fail("name", "every source needs a name");
    if (!names.insert(src.name).second) s.fail("name", "duplicate source name '" + src.name + "'");
    s.read("seeds", src.seeds);
    if (src.seeds.empty()) s.fail("seeds", "source '" + src.name + "' needs at least one seed URL");
    for (size_t i = 0; i < src.seeds.size(); ++i)
      if (!canonical_url(src.seeds[i])) s.fail("seeds[" + std::to_string(i) + "]", "not an http(s) URL: " + src.seeds[i]);
    src.follow = patterns(s, "follow");
    src.documents = patterns(s, "documents");
    if (src.documents.empty()) s.fail("documents", "source '" + src.name + "' needs at least one document pattern");
    std::string kind = "article";
    s.read("kind", kind);
    auto k = doc_kind_from_string(kind);
    if (!k) s.fail("kind", "unknown kind '" + kind + "' (article, comment, message, reply, post)");
    src.kind = *k;
    s.finish();
    out.push_back(std::move(src));
  }
  root.finish();
  if (out.empty()) throw ConfigError(file.string() + ": no sources defined");
  return out;
}

}  // namespace yuqing::crawlers
