// Policy issues of the district's openness plan (shared/seed), multi-label, each with the units the
// plan makes responsible — used for alert routing.
//
// Rules in configs/issues.yaml, per issue: weighted terms; `exclude` terms that veto the issue;
// `context` terms that an ambiguous term needs within `window` characters to count (改造 counts for
// 老旧小区与棚户区改造 only near 小区/楼/管网…). An issue is tagged when the summed weight of its
// distinct counted terms reaches `threshold`; its evidence is those terms, its score their sum.
// Departments: the plan's 牵头单位 (lead) first, then its 责任单位; "各镇〈街〉" (every town/street)
// becomes the town(s) named in the document, and stays as written when none is named.
// `level2`: the taxonomy's level-2 classes (configs/taxonomy.yaml) that stand for the issue — a
// document none of whose own or context terms names an issue takes the issue of its category's
// level-2 class (from_category), with evidence "category:<class>": the taxonomy's term lists are
// broader than the issue's (公益性岗位 names 就业培训, not any 就业创业 term).
//
// Contract: built once from the YAML, then immutable; tag() is const and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"
#include "core/yaml_reader.h"
#include "processors/text/terms.h"

namespace yuqing::processors {

class IssueTagger {
 public:
  // `level2_classes`: the taxonomy's level-2 names; a `level2` entry outside them is a ConfigError
  // naming its path (not checked when empty).
  explicit IssueTagger(YamlSection root, const std::vector<std::string>& level2_classes = {});
  // `places` are the towns already found in the document, for "各镇〈街〉".
  std::vector<IssueTag> tag(std::string_view text, const std::vector<Token>& tokens,
                            const std::vector<std::string>& places) const;
  // The issues whose `level2` lists this class (score = threshold); none for "".
  std::vector<IssueTag> from_category(const std::string& level2, const std::vector<std::string>& places) const;
  const std::vector<std::string>& terms() const { return index_.terms(); }

 private:
  struct Rule {
    std::string name;
    std::vector<std::string> departments;  // lead first
    std::vector<std::pair<uint32_t, double>> terms;
    std::vector<uint32_t> exclude;
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> context;  // term -> terms it needs nearby
    std::vector<std::string> level2;                                   // taxonomy classes standing for it
  };
  static std::vector<std::string> departments(const Rule& rule, const std::vector<std::string>& places);
  double threshold_ = 1.0;
  int window_ = 12;
  std::vector<Rule> rules_;
  TermIndex index_;
};

}  // namespace yuqing::processors
