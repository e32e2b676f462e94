// Category on realistic citizen messages for all 15 level-1 classes (tests/fixtures/processors/
// category.tsv), and the configured names against the standard classification in the shared data.
#include "processors/taggers/category.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "processors/analyzer.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

struct Case {
  std::string level1, level2, text;
};

std::vector<Case> cases() {
  std::ifstream in("tests/fixtures/processors/category.tsv");
  std::vector<Case> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Case c;
    std::getline(fields, c.level1, '\t');
    std::getline(fields, c.level2, '\t');
    std::getline(fields, c.text);
    out.push_back(c);
  }
  return out;
}

std::filesystem::path shared_data() {
  const char* env = std::getenv("YUQING_SHARED_DATA");
  return env && *env ? std::filesystem::path(env) : std::filesystem::path("../shared/data");
}

}  // namespace

TEST(Category, CitizenMessagesOfEveryLevel1Class) {
  const auto all = cases();
  std::set<std::string> classes;
  for (const auto& c : all) {
    Document d;
    d.text = c.text;
    const Tags t = analyzer().analyze(d);
    EXPECT_EQ(t.category_l1, c.level1) << c.text;
    if (c.level2 != "-") {
      EXPECT_EQ(t.category_l2, c.level2) << c.text;
    }
    EXPECT_GT(t.category_score, 0) << c.text;
    classes.insert(c.level1);
  }
  EXPECT_EQ(classes.size(), 15u);  // the fixture covers every level-1 class
}

TEST(Category, NamesAreThoseOfTheStandardClassification) {
  const auto csv = shared_data() / "topics/gov_taxonomy/message_taxonomy_3level.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << csv << " not present";
  std::map<std::string, std::set<std::string>> standard;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto a = line.find(','), b = line.find(',', a + 1);
    standard[line.substr(0, a)].insert(line.substr(a + 1, b - a - 1));
  }
  ASSERT_EQ(standard.size(), 15u);
  const CategoryTagger tagger(YamlSection(load_yaml_file("configs/taxonomy.yaml"), "configs/taxonomy.yaml"));
  const auto names = tagger.level1_names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 15u);
  for (const auto& n : names) EXPECT_TRUE(standard.count(n)) << n;
  // Every message-derived level-2 the tagger can name exists under its level-1 in the standard.
  for (const auto& c : cases())
    if (c.level2 != "-") {
      EXPECT_TRUE(standard[c.level1].count(c.level2)) << c.level1 << "/" << c.level2;
    }
}

}  // namespace yuqing::processors
