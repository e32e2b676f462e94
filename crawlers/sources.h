// Sources: the sites to crawl, from configs/sources.yaml. A new site is a YAML entry, not code.
//
//   sources:
//     - name: district-portal            # becomes Document::site
//       seeds: [http://127.0.0.1:18080/portal/news/index.html]
//       follow: ['/news/index(_\d+)?\.html$']   # pages fetched only for their links (lists)
//       documents: ['/news/\d{8}/[\w-]+\.html$'] # pages extracted as documents
//       kind: article                    # article | comment | message | reply | post
//
// Patterns are ECMAScript regular expressions searched in the canonical URL. Only links on the
// seeds' hosts are followed. Validated at load: bad patterns and unknown keys name their YAML path.
#pragma once

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "core/document.h"

namespace yuqing::crawlers {

struct Source {
  std::string name;
  std::vector<std::string> seeds;
  std::vector<std::regex> follow;
  std::vector<std::regex> documents;
  DocKind kind = DocKind::article;

  bool is_list(const std::string& url) const;
  bool is_document(const std::string& url) const;
};

std::vector<Source> load_sources(const std::filesystem::path& file);

}  // namespace yuqing::crawlers
