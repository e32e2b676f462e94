// The sandbox web: local sites whose every document is generated from a seed, so that crawls,
// tags and alerts can be checked against exact truth. This first version hosts one site, the
// district government portal (paginated news lists and articles); more sites and a scenario
// timeline grow here.
//
// Contract: generate() is deterministic — the same options give byte-identical pages and truth.
// SandboxWeb is immutable after generation and safe to serve from many threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/time.h"

namespace yuqing::sandbox {

// What the sandbox knows about one document it serves (the truth file has one line per document).
struct TruthDoc {
  std::string path;        // URL path on the sandbox host
  std::string site;
  std::string kind;        // article | comment | message | reply | post
  std::string parent_path; // "" for top-level
  UnixSeconds published_at = 0;
  std::string issue;       // policy issue from configs/issues.yaml
  std::string place;       // town or street
  std::string sentiment;   // positive | neutral | negative
  std::string intent;      // complaint | inquiry | suggestion | praise | news
  std::string title;
  std::vector<std::string> paragraphs;
};

struct Page {
  int status = 200;
  std::string content_type;
  std::string body;
};

class SandboxWeb {
 public:
  static SandboxWeb generate(const SandboxOptions& options);

  std::optional<Page> page(const std::string& path) const;
  const std::vector<TruthDoc>& documents() const { return docs_; }
  // One JSON line per document; `base_url` (e.g. http://127.0.0.1:18080) makes URLs and ids absolute.
  std::string truth_jsonl(const std::string& base_url) const;

 private:
  std::vector<TruthDoc> docs_;
  std::map<std::string, Page> pages_;
};

}  // namespace yuqing::sandbox
