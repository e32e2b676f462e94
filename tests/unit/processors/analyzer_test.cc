#include "processors/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "processors/taggers/keywords.h"
#include "processors/text/normalize.h"
#include "processors/text/segment.h"
#include "tests/unit/edited_configs.h"

namespace yuqing::processors {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a("configs");
  return a;
}

Tags tag(const std::string& title, const std::string& text) {
  Document d;
  d.title = title;
  d.text = text;
  return analyzer().analyze(d);
}

// A comment, reply... under a parent that is about `context`.
Tags item(DocKind kind, const std::string& context, const std::string& text) {
  Document d;
  d.kind = kind;
  d.context = context;
  d.text = text;
  return analyzer().analyze(d);
}

bool has_issue(const Tags& t, const std::string& name) {
  return std::any_of(t.issues.begin(), t.issues.end(), [&](const IssueTag& i) { return i.name == name; });
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  const std::string norm = analyzer().normalizer().normalize(text).text;
  for (const auto& t : analyzer().segmenter().segment(norm)) out.emplace_back(t.text);
  return out;
}

}  // namespace

TEST(Normalize, FoldsFullWidthAndCollapsesSpace) {
  EXPECT_EQ(normalize_text("ＡＢＣ１２３，  你好\n\t世界"), "ABC123, 你好 世界");
}

TEST(Normalize, DropsInvisibleCharactersButKeepsEmoji) {
  EXPECT_EQ(normalize_text("好\u200b评👍🏻\ufe0f"), "好评👍");
}

TEST(Normalize, ConvertsTraditionalOnlyWhenPresent) {
  const auto& n = analyzer().normalizer();
  const NormalizedText t = n.normalize("臺兒莊區政府關於舊城改造的說明");
  EXPECT_TRUE(t.converted_traditional);
  EXPECT_EQ(t.text, "台儿庄区政府关于旧城改造的说明");
  const NormalizedText s = n.normalize("台儿庄区政府关于旧城改造的说明");
  EXPECT_FALSE(s.converted_traditional);
}

TEST(Normalize, AsksOpenCCOncePerCharacterAndRemembers) {
  const Normalizer n;
  for (int round = 0; round < 2; ++round) {  // the second round answers from the cache
    EXPECT_TRUE(n.has_traditional("關於"));
    EXPECT_FALSE(n.has_traditional("关于"));
    EXPECT_FALSE(n.has_traditional("abc，。"));  // no ideographs
  }
}

TEST(Segment, KeepsUserTermsWhole) {
  const auto w = words("运河街道老旧小区加装电梯，区住房城乡建设局回复");
  EXPECT_TRUE(contains(w, "运河街道"));
  EXPECT_TRUE(contains(w, "老旧小区"));
  EXPECT_TRUE(contains(w, "加装电梯"));
}

TEST(Segment, DictionaryWordsEmoticonsAndLatin) {
  const Segmenter s(std::vector<std::string>{"研究", "研究生", "生命", "起源"});
  std::vector<std::string> got;
  const std::string text = "研究生命起源[怒]GDP增长3.5%😡";
  for (const auto& t : s.segment(text)) got.emplace_back(t.text);
  // Fewest words: 研究/生命/起源 beats 研究生/命/起源 (same count, but 命 is unknown).
  EXPECT_EQ(got, (std::vector<std::string>{"研究", "生命", "起源", "[怒]", "GDP", "增", "长", "3.5%", "😡"}));
}

TEST(Analyzer, TagsThePolicyIssueWithItsDepartmentsAndEvidence) {
  const Tags t = tag("运河街道老旧小区改造迟迟不完工", "居民投诉加装电梯工程停工三个月，没人管。");
  ASSERT_TRUE(has_issue(t, "老旧小区与棚户区改造"));
  const auto& issue = t.issues.front();
  EXPECT_EQ(issue.name, "老旧小区与棚户区改造");
  EXPECT_TRUE(contains(issue.departments, "区住房城乡建设局"));
  // 各镇〈街〉 becomes the town the message names.
  EXPECT_TRUE(contains(issue.departments, "运河街道"));
  EXPECT_TRUE(contains(issue.evidence, "老旧小区"));
  EXPECT_EQ(t.places, std::vector<std::string>{"运河街道"});
  EXPECT_EQ(t.sentiment_label, "negative");
  EXPECT_LT(t.sentiment_score, 0);
  EXPECT_EQ(t.intent, "complaint");
  EXPECT_EQ(t.category_l1, "城乡建设");
}

TEST(Analyzer, LeadUnitIsRoutedFirstWhenThePlanNamesOne) {
  const Tags t = tag("", "开发商虚假宣传，商品房交房延期。");
  ASSERT_TRUE(has_issue(t, "房地产市场监管"));
  EXPECT_EQ(t.issues.front().departments.front(), "区住房城乡建设局");
}

TEST(Analyzer, ContextWindowGatesAmbiguousTerms) {
  // 改造 and 施工 alone do not make an old-housing issue; near 小区 they do.
  EXPECT_FALSE(has_issue(tag("", "工厂生产线改造施工完成，产能提升。"), "老旧小区与棚户区改造"));
  EXPECT_TRUE(has_issue(tag("", "我们小区改造施工拖了半年。"), "老旧小区与棚户区改造"));
}

TEST(Sentiment, PraiseNegationDegreeContrast) {
  const Tags praise = tag("", "马兰屯镇便民服务中心办事高效，群众点赞，非常满意。");
  EXPECT_EQ(praise.sentiment_label, "positive");
  EXPECT_EQ(praise.intent, "praise");
  EXPECT_EQ(praise.places, std::vector<std::string>{"马兰屯镇"});
  const Tags negated = tag("", "对处理结果不满意。");
  EXPECT_EQ(negated.sentiment_label, "negative");
  EXPECT_TRUE(contains(negated.sentiment_evidence, "-满意 (negated)"));
  // After 但是 the complaint outweighs the courtesy before it.
  const Tags turn = tag("", "工作人员态度还算好，但是问题拖了三个月都没解决，太失望了。");
  EXPECT_LT(turn.sentiment_score, 0);
  EXPECT_TRUE(contains(turn.sentiment_evidence, "turn:但是"));
}

TEST(Sentiment, WithoutAnyCueOnlyAConfidentModelMakesATextPolar) {
  // An objective notice: the model leans positive (P ≈ 0.76, score ≈ 0.4) on n-grams alone.
  const Tags notice = tag("", "涧头集镇新建的文化广场正式投入使用，广场设有健身器材和儿童游乐设施。");
  EXPECT_GT(notice.sentiment_score, 0.2);  // past the band for texts with cues...
  EXPECT_EQ(notice.sentiment_label, "neutral");  // ...but no opinion word, turn or emoticon fired
  const Tags opinion = tag("", "涧头集镇新建的文化广场正式投入使用，居民很满意。");
  EXPECT_EQ(opinion.sentiment_label, "positive");
}

// Official text — a government reply, an article — is neutral unless it states an opinion; a courtesy
// formula (感谢您的来信, 感谢您对…的关心和支持) is no opinion in any kind and is read by neither the
// model nor the lexicon.
TEST(Sentiment, OfficialTextIsNeutralUnlessItStatesAnOpinion) {
  struct Case {
    DocKind kind;
    const char* text;
    const char* label;
    const char* courtesy;  // the formula left out, or ""
  };
  const Case cases[] = {
      {DocKind::reply, "您好！您的留言已收悉。经核实，该路段路灯已于5月3日修复。感谢您对我们工作的关心和支持！", "neutral",
       "courtesy:感谢您对我们工作的关心和支持"},
      {DocKind::reply, "感谢您的来信！您反映的问题我们已转交区住房城乡建设局处理，请耐心等待。", "neutral", "courtesy:感谢您的来信"},
      {DocKind::reply, "网友您好，感谢您对我区工作的肯定，我们将继续努力，为群众提供更好的服务。", "neutral",
       "courtesy:感谢您对我区工作的肯定"},
      {DocKind::reply, "经区教育局调查核实，您反映的情况属实，已责令学校整改。感谢您的监督。", "neutral", "courtesy:感谢您的监督"},
      // An announcement's routine words (及时, 顺利) are not opinions.
      {DocKind::article, "区政府召开老旧小区改造推进会，要求及时公开进展情况，确保按期完成年度目标。", "neutral", ""},
      {DocKind::article, "截至目前，运河街道已完成雨污管网改造项目27个，惠及群众1524户，工作顺利推进。", "neutral", ""},
      // An article that reports an opinion is polar.
      {DocKind::article, "居民纷纷点赞，对改造效果非常满意。", "positive", ""},
      {DocKind::article, "老旧小区改造停工一个多月没人管，居民非常不满。", "negative", ""},
      // A citizen's own words keep their polarity; a courtesy close does not make a complaint positive.
      {DocKind::post, "这次办事很顺利，工作人员很热情，非常满意！", "positive", ""},
      {DocKind::message, "路灯坏了一个多月了，晚上出行很危险，请尽快修理。感谢您的关注！", "negative", "courtesy:感谢您的关注"},
  };
  for (const auto& c : cases) {
    const Tags t = item(c.kind, "", c.text);
    EXPECT_EQ(t.sentiment_label, c.label) << c.text;
    if (*c.courtesy) {
      EXPECT_TRUE(contains(t.sentiment_evidence, c.courtesy)) << c.text;
      EXPECT_FALSE(contains(t.sentiment_evidence, "+感谢")) << c.text;  // not read as praise
    }
  }
}

TEST(Sentiment, EmoticonsRhetoricalQuestionsAndSarcasm) {
  EXPECT_EQ(tag("", "又停水了[怒][怒]").sentiment_label, "negative");
  EXPECT_EQ(tag("", "新修的公园真漂亮[赞]").sentiment_label, "positive");
  const Tags rhetorical = tag("", "难道老百姓的诉求就没人管吗？");
  EXPECT_LT(rhetorical.sentiment_score, 0);
  EXPECT_TRUE(contains(rhetorical.sentiment_evidence, "-rhetorical question"));
  const Tags sarcasm = tag("", "呵呵，办事效率真高，一个章盖了三个月。");
  EXPECT_LT(sarcasm.sentiment_score, 0);
  EXPECT_TRUE(contains(sarcasm.sentiment_evidence, "sarcasm:呵呵"));
}

TEST(Places, ShortNamesNeedContext) {
  EXPECT_EQ(tag("", "涧头村村民反映道路问题").places, std::vector<std::string>{"涧头集镇"});
  EXPECT_TRUE(tag("", "山涧头上开满了花").places.empty());
  EXPECT_TRUE(tag("", "马兰花开了").places.empty());
  EXPECT_EQ(tag("", "台儿庄古城游客很多").places, std::vector<std::string>{"运河街道"});
}

TEST(Analyzer, CommentsTakePlaceAndIssueFromTheirParentOnlyWhenTheyNameNone) {
  const std::string parent = "运河街道老旧小区改造迟迟不完工";
  const Tags bare = item(DocKind::comment, parent, "拖了这么久，到底还管不管？");
  EXPECT_EQ(bare.places, std::vector<std::string>{"运河街道"});
  ASSERT_TRUE(has_issue(bare, "老旧小区与棚户区改造"));
  EXPECT_TRUE(contains(bare.issues.front().evidence, "context:老旧小区"));
  EXPECT_EQ(bare.category_l1, "城乡建设");  // no category term of its own either
  EXPECT_EQ(bare.sentiment_label, "negative");  // sentiment is the comment's own

  // Another town: most likely another matter.
  const Tags elsewhere = item(DocKind::comment, parent, "泥沟镇的路灯也一直不亮，没人修。");
  EXPECT_EQ(elsewhere.places, std::vector<std::string>{"泥沟镇"});
  EXPECT_FALSE(has_issue(elsewhere, "老旧小区与棚户区改造"));
  for (const auto& issue : elsewhere.issues)
    for (const auto& e : issue.evidence) EXPECT_EQ(e.rfind("context:", 0), std::string::npos) << e;

  // The same town as the parent: the same matter.
  EXPECT_TRUE(has_issue(item(DocKind::comment, parent, "运河街道这个工程到底什么时候完？"), "老旧小区与棚户区改造"));
  // A comment that names an issue of its own keeps to it.
  const Tags own = item(DocKind::comment, parent, "开发商虚假宣传，商品房交房延期。");
  EXPECT_TRUE(has_issue(own, "房地产市场监管"));
  EXPECT_FALSE(has_issue(own, "老旧小区与棚户区改造"));
  // No parent: nothing borrowed.
  EXPECT_TRUE(item(DocKind::comment, "", "拖了这么久，到底还管不管？").places.empty());
}

TEST(Analyzer, AReplyTakesTheIssuesOfTheMessageItAnswersBesideItsOwn) {
  const Tags t = item(DocKind::reply, "运河街道老旧小区加装电梯进展缓慢",
                      "您好！您的留言已收悉。经区住房城乡建设局核实，该项目已于本月复工，预计年底完成。感谢您的监督。");
  const auto borrowed = std::find_if(t.issues.begin(), t.issues.end(), [](const IssueTag& i) { return i.name == "老旧小区与棚户区改造"; });
  ASSERT_NE(borrowed, t.issues.end());
  EXPECT_EQ(borrowed->evidence.front().rfind("context:", 0), 0u) << borrowed->evidence.front();
}

TEST(Analyzer, ATextWithoutIssueTermsTakesTheIssueItsTaxonomyClassStandsFor) {
  // text, issue expected (or "" for none), evidence expected
  struct Case {
    const char* text;
    const char* issue;
    const char* evidence;
  };
  const Case cases[] = {
      // 公益性岗位 is a term of 劳动和社会保障/就业培训, not of 就业创业.
      {"听说马兰屯镇的公益性岗位出大问题了，是真的吗？", "就业创业", "category:就业培训"},
      // An issue term of its own wins: no category evidence beside it.
      {"马兰屯镇创业担保贷款申请材料交了三次还没批", "就业创业", "创业担保贷款"},
      // 住房保障与房地产 spans two issues (configs/issues.yaml lists it under neither).
      {"邳庄镇购房者的首付款什么时候退？", "", ""},
  };
  for (const auto& c : cases) {
    const Tags t = tag("", c.text);
    if (*c.issue == 0) {
      EXPECT_TRUE(t.issues.empty()) << c.text << " got " << t.issues.front().name;
      continue;
    }
    ASSERT_TRUE(has_issue(t, c.issue)) << c.text << " (category " << t.category_l2 << ")";
    EXPECT_TRUE(contains(t.issues.front().evidence, c.evidence)) << c.text;
    EXPECT_TRUE(contains(t.issues.front().departments, "区人力资源社会保障局")) << c.text;
  }
}

TEST(Analyzer, AnIssueNamingAnUnknownTaxonomyClassIsAConfigErrorNamingItsPath) {
  // issues.yaml names a class the taxonomy lacks.
  const testing::EditedConfigs edited("yuqing_issue_level2");
  ASSERT_TRUE(edited.replace("issues.yaml", "level2: [就业培训,", "level2: [就业培训班,"));
  try {
    Analyzer a(edited.dir());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("level2: '就业培训班' is not a level-2 class of taxonomy.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("issues.yaml"), std::string::npos) << e.what();
  }
}

TEST(Analyzer, UnrelatedTextGetsNoIssueAndStaysNeutralNews) {
  const Tags t = tag("", "今天天气晴朗，气温二十度。");
  EXPECT_TRUE(t.issues.empty());
  EXPECT_EQ(t.intent, "news");
  EXPECT_EQ(t.content_hash.size(), 32u);
  // No evidence of any class: no level-1 rather than a default one, and a low score.
  EXPECT_EQ(t.category_l1, "");
  EXPECT_LT(t.category_score, 0.3);
}

TEST(Intent, AGovernmentReplyReportsWhatItQuotesOthersComplainOrAsk) {
  Document d;
  d.text = "您反映的泥沟镇路灯不亮问题，经核实已于5月3日修复，感谢您的监督。请问还有其他问题吗？";
  d.kind = DocKind::message;
  const std::string as_message = analyzer().analyze(d).intent;
  EXPECT_NE(as_message, "news");  // the cues alone read it as a citizen's complaint or question
  d.kind = DocKind::reply;
  EXPECT_EQ(analyzer().analyze(d).intent, "news");
}

TEST(Intent, ANegativeCommentWithoutCuesIsAComplaintANewsArticleIsNot) {
  const Tags comment = item(DocKind::comment, "", "唉，暖气不热，室温只有十几度，太让人失望了");
  ASSERT_EQ(comment.sentiment_label, "negative");
  EXPECT_EQ(comment.intent, "complaint");
  EXPECT_EQ(item(DocKind::article, "", "唉，暖气不热，室温只有十几度，太让人失望了").intent, "news");  // a report of it
  // A rhetorical question asks nothing; a plain one does.
  EXPECT_EQ(item(DocKind::comment, "", "难道老百姓的诉求就没人管吗？").intent, "complaint");
  EXPECT_EQ(item(DocKind::comment, "", "请问低保申请需要哪些材料？").intent, "inquiry");
}

TEST(Intent, InquiryAndSuggestion) {
  EXPECT_EQ(tag("", "请问低保申请需要哪些材料？").intent, "inquiry");
  EXPECT_EQ(tag("", "建议在泥沟镇中心路口增设红绿灯。").intent, "suggestion");
}

TEST(Segment, TrieTableGrowsPastItsFirstSize) {
  // The word-list constructor starts with a small edge table: 3,000 two-character words (3,000
  // edges) make it grow several times, and every word must still be found whole.
  std::vector<std::string> lexicon;
  std::string text;
  for (char32_t cp = 0x4E00; cp < 0x4E00 + 3000; ++cp) {
    std::string w = "丁";  // U+4E01 first, then a distinct second character
    w += std::string{char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
    lexicon.push_back(w);
    if (cp % 500 == 0) text += w + "，";
  }
  const Segmenter s(lexicon);
  EXPECT_EQ(s.size(), lexicon.size());
  for (const auto& t : s.segment(text)) {
    if (t.text == "，") continue;
    EXPECT_EQ(t.text.size(), 6u) << t.text;
  }
}

TEST(Keywords, BackgroundKeepsTheFirstIdfAndRatesUnknownWordsHighest) {
  const auto path = std::filesystem::temp_directory_path() / "yuqing_keywords_idf_test.tsv";
  {
    std::ofstream out(path);
    out << "# documents\t100\n养殖\t1.5\n污水\t2.5\n养殖\t9.0\n河道\t4.0";  // last line without newline
  }
  const KeywordTagger k(path, {"污水"}, 3);
  std::filesystem::remove(path);
  const std::string text = "养殖污水河道臭味养殖";
  const std::vector<Token> tokens = {{std::string_view(text).substr(0, 6), 0, TokenKind::word},
                                     {std::string_view(text).substr(6, 6), 6, TokenKind::word},
                                     {std::string_view(text).substr(12, 6), 12, TokenKind::word},
                                     {std::string_view(text).substr(18, 6), 18, TokenKind::word},
                                     {std::string_view(text).substr(24, 6), 24, TokenKind::word}};
  // 臭味 is unknown: the highest IDF (9.0, from the duplicate line); 河道 4.0; 养殖 twice 1.5; 污水 a stopword.
  EXPECT_EQ(k.tag(tokens), (std::vector<std::string>{"臭味", "河道", "养殖"}));
}

TEST(Keywords, RankTopicalWordsFirst) {
  const Tags t = tag("", "泥沟镇养殖场臭味扰民，养殖场污水直排河道，养殖场周边居民苦不堪言。");
  ASSERT_FALSE(t.keywords.empty());
  EXPECT_EQ(t.keywords.front(), "养殖场");
}

}  // namespace yuqing::processors
