#include "core/document.h"

#include <gtest/gtest.h>

namespace yuqing {
namespace {

Document sample() {
  Document d;
  d.id = make_document_id("http://example.gov.cn/a.html");
  d.kind = DocKind::comment;
  d.parent_id = make_document_id("http://example.gov.cn/parent.html");
  d.context = "泥沟镇供水管网改造";
  d.url = "http://example.gov.cn/a.html";
  d.site = "portal";
  d.title = "运河街道老旧小区改造";
  d.text = "居民反映施工迟迟没有完成";
  d.published_at = 1655519400;
  d.fetched_at = 1655520000;
  d.charset = "gb18030";
  return d;
}

}  // namespace

TEST(Document, IdIsStableAndDependsOnItemKey) {
  EXPECT_EQ(make_document_id("http://a/b"), make_document_id("http://a/b"));
  EXPECT_EQ(make_document_id("http://a/b").size(), 32u);
  EXPECT_NE(make_document_id("http://a/b", "c1"), make_document_id("http://a/b", "c2"));
  EXPECT_NE(make_document_id("http://a/b", "c1"), make_document_id("http://a/b"));
}

TEST(Document, RawRoundTrip) {
  const Document d = sample();
  Document back;
  ASSERT_TRUE(parse_document(to_json(d), back)) << to_json(d);
  EXPECT_EQ(back.id, d.id);
  EXPECT_EQ(back.kind, DocKind::comment);
  EXPECT_EQ(back.parent_id, d.parent_id);
  EXPECT_EQ(back.context, d.context);
  EXPECT_EQ(back.title, d.title);
  EXPECT_EQ(back.text, d.text);
  EXPECT_EQ(back.published_at, d.published_at);
  EXPECT_EQ(back.fetched_at, d.fetched_at);
  EXPECT_EQ(back.charset, "gb18030");
}

TEST(Document, ContextIsTheTitleAndTheOpeningCutAtACharacter) {
  Document parent;
  parent.title = "泥沟镇供水管网改造";
  parent.text = std::string(kContextChars - 1, 'a') + "供水";  // the limit falls between 供 and 水
  EXPECT_EQ(context_of(parent), "泥沟镇供水管网改造\n" + std::string(kContextChars - 1, 'a') + "供");
  parent.title.clear();
  parent.text = "短文";
  EXPECT_EQ(context_of(parent), "短文");
}

TEST(Document, EnrichedRoundTripKeepsTags) {
  EnrichedDocument e{sample(), {}, 1655521000};
  e.tags.issues.push_back({"老旧小区与棚户区改造", {"区住房城乡建设局"}, 1.4, {"老旧小区", "改造"}});
  e.tags.sentiment_label = "negative";
  e.tags.sentiment_score = -0.5;
  e.tags.places = {"运河街道"};
  e.tags.intent = "complaint";
  EnrichedDocument back;
  ASSERT_TRUE(parse_enriched(to_json(e), back));
  ASSERT_EQ(back.tags.issues.size(), 1u);
  EXPECT_EQ(back.tags.issues[0].departments, std::vector<std::string>{"区住房城乡建设局"});
  EXPECT_DOUBLE_EQ(back.tags.sentiment_score, -0.5);
  EXPECT_EQ(back.tags.places, std::vector<std::string>{"运河街道"});
  EXPECT_EQ(back.processed_at, 1655521000);
}

TEST(Document, RejectsWhatIsNotARawDocument) {
  Document d;
  EXPECT_EQ(parse_document("{not json", d).kind(), Status::Kind::reject);
  EXPECT_EQ(parse_document("[]", d).kind(), Status::Kind::reject);
  EXPECT_EQ(parse_document(R"({"schema":"yuqing.raw/9","id":"x"})", d).kind(), Status::Kind::reject);
  const Status missing = parse_document(R"({"schema":"yuqing.raw/1","id":"x","kind":"article","url":"u","site":"s"})", d);
  EXPECT_EQ(missing.kind(), Status::Kind::reject);
  EXPECT_NE(missing.message().find("text"), std::string::npos) << missing.message();
  std::string bad_kind = to_json(sample());
  bad_kind.replace(bad_kind.find("\"comment\""), 9, "\"tweet\"");
  EXPECT_EQ(parse_document(bad_kind, d).kind(), Status::Kind::reject);
}

TEST(Document, EnrichedParserRejectsRawAndBadSentiment) {
  EnrichedDocument e;
  EXPECT_EQ(parse_enriched(to_json(sample()), e).kind(), Status::Kind::reject);
  EnrichedDocument ok{sample(), {}, 1};
  std::string text = to_json(ok);
  text.replace(text.find("\"neutral\""), 9, "\"furious\"");
  EXPECT_EQ(parse_enriched(text, e).kind(), Status::Kind::reject);
}

}  // namespace yuqing
