// Places: the district's towns and street (configs/places.yaml) and a gazetteer of villages,
// communities and landmarks that lie in them. A document is tagged with the town a name points at.
// Short or ambiguous names (fewer than three characters, e.g. 泥沟, 马兰) count only with context:
// a place suffix right after them (村, 社区, 路, 街…) or a context word (the district name, 镇, 乡…)
// within `window` characters. Matching is on whole tokens (processors/terms.h), so 山涧头 never
// yields 涧头.
//
// Contract: built once from the YAML, then immutable; tag() is const and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/yaml_reader.h"
#include "processors/text/terms.h"

namespace yuqing::processors {

class PlaceTagger {
 public:
  explicit PlaceTagger(YamlSection root);
  // Town names in first-mention order, each once.
  std::vector<std::string> tag(std::string_view text, const std::vector<Token>& tokens) const;
  const std::vector<std::string>& terms() const { return index_.terms(); }

 private:
  struct Name {
    size_t town;
    bool needs_context;
  };
  std::vector<std::string> towns_;
  TermIndex index_;
  std::vector<std::vector<Name>> names_;  // by term id
  std::vector<uint32_t> context_;         // term ids that vouch for a short name nearby
  std::vector<std::string> suffixes_;
  int window_ = 8;
};

}  // namespace yuqing::processors
