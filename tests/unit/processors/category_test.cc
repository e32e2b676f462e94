// Category on realistic citizen messages for all 15 level-1 classes (tests/fixtures/processors/
// category.tsv), and the configured names against the standard classification in the shared data.
#include "processors/taggers/category.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

#include "processors/analyzer.h"
#include "processors/taggers/category_model.h"
#include "processors/training/train.h"

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

void utf8_append(std::string& out, char32_t cp) {  // a BMP code point
  out += char(0xE0 | (cp >> 12));
  out += char(0x80 | ((cp >> 6) & 0x3F));
  out += char(0x80 | (cp & 0x3F));
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

// A text without evidence of any class is not filed under a default class: no level-1, a low score.
TEST(Category, NoEvidenceGetsNoClassAndALowScore) {
  struct NoEvidence {
    const char* text;
  };
  const NoEvidence cases[] = {{"好"}, {"好！"}, {"谢谢"}, {"哈哈哈哈"}, {"今天天气晴朗，气温二十度。"}, {"1234"}};
  for (const auto& c : cases) {
    Document d;
    d.kind = DocKind::comment;
    d.text = c.text;
    const Tags t = analyzer().analyze(d);
    EXPECT_EQ(t.category_l1, "") << c.text;
    EXPECT_LT(t.category_score, 0.3) << c.text;
  }
}

// Real-message style texts of the classes the trained model knows, and of classes only the rules
// know: the model's class wins on its own ground, a rule-only class wins with clear terms.
TEST(Category, ModelAndRulesTogether) {
  struct Case {
    const char* level1;
    const char* text;
  };
  const Case cases[] = {
      {"城乡建设", "A3区某小区二次供水水箱多年不清洗，自来水有异味，请有关部门督促物业整改。"},
      {"劳动和社会保障", "我在某公司工作三年，公司一直没有给我们缴纳社会保险，离职时也不给经济补偿，请劳动监察部门处理。"},
      {"教育文体", "某中学周末强制学生到校补课并收取补课费，家长负担很重，请教育局查处。"},
      {"商贸旅游", "在某商场买的电器七天内出现质量问题，商家拒绝退货，请市场监督管理局处理。"},
      {"环境保护", "某化工厂夜间偷排废水，河水发黑发臭，周边居民深受其害。"},
      {"卫生计生", "某医院收费不透明，做一个小检查就花了上千元，请卫健委调查。"},
      {"交通运输", "出租车司机经常拒载、绕路，还不打表，请交通运输局加强管理。"},
      {"民政", "家里老人瘫痪在床，收入很低，申请低保三次都没批下来，困难群众怎么办？"},
      {"政法", "最近小区里电动车接连被盗，报警后派出所也没有下文，治安太差了。"},
      {"纪检监察", "举报某村支书贪污扶贫款，收受贿赂，请纪委调查。"},
  };
  for (const auto& c : cases) {
    Document d;
    d.kind = DocKind::message;
    d.text = c.text;
    const Tags t = analyzer().analyze(d);
    EXPECT_EQ(t.category_l1, c.level1) << c.text;
    EXPECT_GE(t.category_score, 0.4) << c.text;
  }
}

// The held-out split of the citizen messages (processors/training/train.h) on a miniature of
// ../shared/data/topics/gov_messages: quoted CSV fields, segmented copies of held-out and of
// training messages.
class MessageDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("yuqing-message-data-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "topics/gov_messages");
    const char* classes[] = {"城乡建设", "教育文体", "交通运输"};
    // 60 messages that share no character bigram (runs of distinct ideographs), so only real copies
    // are copies.
    for (int i = 0; i < 60; ++i) {
      std::string text;
      for (int k = 0; k < 12; ++k) utf8_append(text, char32_t(0x4E00 + i * 12 + k));
      messages_.push_back({classes[i % 3], text, false});
      (message_in_test_split(text) ? test_ : train_).push_back(text);
    }
    // A field with a comma and doubled quotes.
    const std::string quoted = "有逗号, 和\"引号\"的留言";
    messages_.push_back({"城乡建设", quoted, false});
    (message_in_test_split(quoted) ? test_ : train_).push_back(quoted);
    ASSERT_FALSE(test_.empty());
    ASSERT_FALSE(train_.empty());
    ASSERT_TRUE(message_in_test_split(test_[0]) && !message_in_test_split(train_[0]));
    std::ofstream raw(root_ / "topics/gov_messages/messages_raw.csv"), seg(root_ / "topics/gov_messages/messages_segmented.csv");
    raw << "level1,text\n";
    seg << "level1,words\n";
    for (const auto& m : messages_) {
      std::string field;
      for (const char c : m.text) field += c == '"' ? std::string("\"\"") : std::string(1, c);
      raw << m.level1 << ",\"" << field << "\"\n";
    }
    // Segmented copies (split into two-character words): of the first test message and the first
    // training message; and a message only the segmented file holds, spread over two lines.
    auto spaced = [](const std::string& text) {
      std::string out;
      for (size_t i = 0; i < text.size();) {
        out += text.substr(i, 6);  // two-character words
        i += 6;
        if (i < text.size()) out += ' ';
      }
      return out;
    };
    const auto level1_of = [&](const std::string& text) {
      return std::find_if(messages_.begin(), messages_.end(), [&](const LabelledMessage& m) { return m.text == text; })->level1;
    };
    seg << level1_of(test_[0]) << "," << spaced(test_[0]) << "\n";
    seg << level1_of(train_[0]) << "," << spaced(train_[0]) << "\n";
    seg << "交通运输,\"路口 红绿灯 时间 太短 _x000D_\n 行人 过不去\"\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
  std::vector<LabelledMessage> messages_;
  std::vector<std::string> test_, train_;
};

TEST_F(MessageDataTest, TestMessagesAndTheirSegmentedCopiesAreNeverTrainedOn) {
  const MessageData d = load_message_data(root_, false);
  EXPECT_EQ(d.raw_rows, 61u);
  EXPECT_EQ(d.segmented_rows, 3u);
  std::set<std::string> heldout;
  for (const auto& m : d.heldout) heldout.insert(m.text);
  EXPECT_EQ(heldout, std::set<std::string>(test_.begin(), test_.end()));
  EXPECT_EQ(d.dropped_heldout_copies, 1u);  // the segmented copy of the first test message
  EXPECT_EQ(d.dropped_raw_copies, 1u);      // the segmented copy of the first training message
  EXPECT_EQ(d.train.size(), 61u - test_.size() + 1u);
  bool segmented_only = false, quoted = false;
  for (const auto& m : d.train) {
    EXPECT_FALSE(heldout.count(m.text)) << m.text;
    if (m.segmented) {
      EXPECT_EQ(m.text.find(' '), std::string::npos) << m.text;  // words joined
      EXPECT_EQ(m.text.find("_x000D_"), std::string::npos) << m.text;
    }
    for (const auto& t : test_) EXPECT_NE(m.text, t);
    segmented_only = segmented_only || m.text == "路口红绿灯时间太短行人过不去";
    quoted = quoted || m.text == "有逗号, 和\"引号\"的留言";
  }
  EXPECT_TRUE(segmented_only);
  EXPECT_TRUE(quoted || message_in_test_split("有逗号, 和\"引号\"的留言"));
  EXPECT_TRUE(quoted || heldout.count("有逗号, 和\"引号\"的留言"));
}

TEST_F(MessageDataTest, ValidationSliceLeavesTheTestSplitOutOfEverything) {
  const MessageData d = load_message_data(root_, true);
  for (const auto& m : d.heldout) {
    EXPECT_FALSE(message_in_test_split(m.text)) << m.text;
    EXPECT_TRUE(message_in_validation_split(m.text)) << m.text;
  }
  for (const auto& m : d.train)
    for (const auto& t : test_) EXPECT_NE(m.text, t);
}

TEST(CategoryScore, PerClassF1AndMacroF1OverTheGoldClasses) {
  // b is never predicted right; the prediction "x" (not a gold class) is a miss without a false positive.
  const CategoryFigures f = score_classes({"a", "a", "b", "b"}, {"a", "b", "x", "a"});
  EXPECT_EQ(f.n, 4u);
  EXPECT_DOUBLE_EQ(f.accuracy, 0.25);
  EXPECT_DOUBLE_EQ(f.per_class.at("a").precision, 0.5);
  EXPECT_DOUBLE_EQ(f.per_class.at("a").recall, 0.5);
  EXPECT_DOUBLE_EQ(f.per_class.at("b").f1, 0.0);
  EXPECT_DOUBLE_EQ(f.macro_f1, 0.25);
}

TEST(CategoryModel, OneVsRestLearnsEachClassAndWritesTheSameFileTwice) {
  const auto dir = std::filesystem::temp_directory_path() / ("yuqing-category-model-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::vector<std::string> classes{"交通运输", "教育文体", "环境保护"};
  const char* topics[][3] = {{"公交车", "地铁站", "出租车"}, {"学校", "老师", "学生"}, {"污水", "噪音", "垃圾焚烧"}};
  const char* frames[] = {"附近的{}问题很严重", "请管一管{}", "关于{}的反映", "{}的事情拖了很久"};
  std::vector<NgramClassRow> rows;
  for (int c = 0; c < 3; ++c)
    for (const char* t : topics[c])
      for (const char* f : frames) {
        std::string text = f;
        text.replace(text.find("{}"), 2, t);
        rows.push_back({c, text});
      }
  NgramTrainOptions o;
  o.min_count = 2;
  o.c = 1;
  const auto file = dir / "c.tsv.gz", again = dir / "again.tsv.gz";
  EXPECT_GT(train_ngram_class_model(rows, classes, o, file), 10u);
  train_ngram_class_model(rows, classes, o, again);
  auto bytes = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(file), bytes(again));
  const NgramClassModel model(file);
  ASSERT_EQ(model.classes(), classes);
  struct Probe {
    const char* text;
    size_t expected;
  };
  for (const Probe& p : {Probe{"公交车太挤了", 0}, Probe{"学生作业太多", 1}, Probe{"晚上噪音扰民", 2}}) {
    std::vector<uint32_t> matched;
    const auto prob = model.probabilities(p.text, &matched);
    EXPECT_EQ(size_t(std::max_element(prob.begin(), prob.end()) - prob.begin()), p.expected) << p.text;
    EXPECT_FALSE(model.evidence(matched, p.expected).empty()) << p.text;
  }
  // Nothing the model knows: every class below even odds.
  for (const double p : model.probabilities("好")) EXPECT_LT(p, 0.5);
  std::filesystem::remove_all(dir);
}

}  // namespace yuqing::processors
