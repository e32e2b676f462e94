// Ingest records (ingest/record.h) and the JSON-lines / CSV readers (ingest/ingest.h): every rule of
// the contract as a row — what is accepted with which id, what is rejected naming which field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ingest/ingest.h"

namespace yuqing::ingest {
namespace {

using json = nlohmann::json;
constexpr UnixSeconds kNow = 1792454400;

json good() {
  return {{"kind", "article"}, {"url", "https://news.example.cn/a/1.html"}, {"title", "运河街道老旧小区改造启动"},
          {"text", "运河街道老旧小区改造工程今天启动。"}, {"published_at", "2026-10-05T09:30:00+08:00"}};
}

struct RejectCase {
  const char* name;
  json change;          // merged into a good record (null removes the key)
  const char* field;    // the rejection starts with this field name
};

TEST(IngestRecord, EveryRuleRejectsNamingItsField) {
  const RejectCase cases[] = {
      {"unknown kind", {{"kind", "tweet"}}, "kind:"},
      {"no url nor external id", {{"url", nullptr}}, "url:"},
      {"url not http", {{"url", "ftp://x/1"}}, "url:"},
      {"empty text", {{"text", "  "}}, "text:"},
      {"no time", {{"published_at", nullptr}}, "published_at:"},
      {"time without offset", {{"published_at", "2026-10-05 09:30:00"}}, "published_at:"},
      {"date only", {{"published_at", "2026-10-05"}}, "published_at:"},
      {"not a time", {{"published_at", "yesterday"}}, "published_at:"},
      {"comment without parent", {{"kind", "comment"}}, "parent:"},
      {"reply without parent", {{"kind", "reply"}}, "parent:"},
      {"number where a string goes", {{"title", 5}}, "title:"},
  };
  for (const auto& c : cases) {
    json record = good();
    for (const auto& [k, v] : c.change.items()) {
      if (v.is_null()) record.erase(k);
      else record[k] = v;
    }
    Importer importer("partner", kNow);
    Document d;
    std::string why;
    EXPECT_EQ(importer.read(record, 7, d, why), Importer::Outcome::rejected) << c.name;
    EXPECT_TRUE(why.starts_with(c.field)) << c.name << ": " << why;
    ASSERT_EQ(importer.report().rejections.size(), 1u) << c.name;
    EXPECT_EQ(importer.report().rejections[0].line, 7u) << c.name;
  }
}

TEST(IngestRecord, IdsAreStableAndMatchTheCrawlersForAUrl) {
  Importer a("partner", kNow), b("partner", kNow + 3600), other("weibo-monitor", kNow);
  Document d1, d2, d3;
  std::string why;
  ASSERT_EQ(a.read(good(), 1, d1, why), Importer::Outcome::accepted) << why;
  ASSERT_EQ(b.read(good(), 1, d2, why), Importer::Outcome::accepted) << why;
  EXPECT_EQ(d1.id, d2.id);                                          // same input, same id, at any time
  EXPECT_EQ(d1.id, make_document_id("https://news.example.cn/a/1.html"));  // the crawler's id for the page
  EXPECT_EQ(d1.site, "partner");
  EXPECT_EQ(d1.fetched_at, kNow);
  ASSERT_TRUE(d1.published_at);
  EXPECT_EQ(*d1.published_at, 1791163800);  // 2026-10-05T01:30:00Z

  // Without a url the id is over the source and the external id: two sources never collide.
  json message = {{"kind", "message"}, {"external_id", "M-1"}, {"text", "小区漏水无人管"},
                  {"published_at", "2026-10-05T09:30:00+08:00"}};
  Document m1, m2;
  ASSERT_EQ(a.read(message, 2, m1, why), Importer::Outcome::accepted) << why;
  ASSERT_EQ(other.read(message, 2, m2, why), Importer::Outcome::accepted) << why;
  EXPECT_EQ(m1.id, make_document_id("ingest:partner", "M-1"));
  EXPECT_NE(m1.id, m2.id);
}

TEST(IngestRecord, ChildrenPointAtTheirParentAndInheritItsContext) {
  Importer importer("board", kNow);
  std::string why;
  Document message, reply, duplicate;
  const json m = {{"kind", "message"}, {"external_id", "M-9"}, {"title", "泥沟镇自来水发黄"}, {"text", "泥沟镇自来水发黄三天了"},
                  {"published_at", "2026-10-05T09:30:00+08:00"}};
  const json r = {{"kind", "reply"}, {"external_id", "R-9"}, {"parent", "M-9"}, {"text", "已安排水务公司检修"},
                  {"published_at", "2026-10-06T09:30:00+08:00"}};
  ASSERT_EQ(importer.read(m, 1, message, why), Importer::Outcome::accepted) << why;
  ASSERT_EQ(importer.read(r, 2, reply, why), Importer::Outcome::accepted) << why;
  EXPECT_EQ(reply.parent_id, message.id);
  EXPECT_NE(reply.context.find("泥沟镇自来水发黄"), std::string::npos);
  EXPECT_EQ(importer.read(m, 3, duplicate, why), Importer::Outcome::duplicate);
  EXPECT_EQ(importer.report().accepted, 2u);
  EXPECT_EQ(importer.report().duplicates, 1u);
}

struct ReadCase {
  const char* name;
  Format format;
  std::string data;
  std::vector<size_t> accepted_lines;
  std::vector<size_t> rejected_lines;
};

TEST(IngestRead, BadLinesAreRejectedWithTheirLineAndTheRestGoesIn) {
  const std::string t = "2026-10-05T09:30:00+08:00";
  const ReadCase cases[] = {
      {"jsonl", Format::jsonl,
       "{\"kind\":\"post\",\"external_id\":\"p1\",\"text\":\"一\",\"published_at\":\"" + t + "\"}\n"
       "not json\n"
       "\n"
       "{\"kind\":\"post\",\"external_id\":\"p2\",\"text\":\"\",\"published_at\":\"" + t + "\"}\n"
       "{\"kind\":\"post\",\"external_id\":\"p3\",\"text\":\"三\",\"published_at\":\"" + t + "\"}",
       {1, 5}, {2, 4}},
      {"csv with quotes, commas and a newline in a cell", Format::csv,
       "kind,external_id,text,published_at,ignored\n"
       "post,p1,\"一，二, 三\"," + t + ",x\n"
       "post,p2,\"第一行\n第二行\"," + t + ",x\n"
       "post,p3,短,2026-10-05,x\n"
       "post,p4,too few cells\n"
       "post,p5,五," + t + ",x\n",
       // p2's cell spans lines 3-4; p3's date has no offset (line 5); p4 has too few cells (line 6).
       {2, 3, 7}, {5, 6}},
      {"csv with a BOM and CRLF", Format::csv,
       "\xEF\xBB\xBFkind,external_id,text,published_at\r\npost,p1,一," + t + "\r\n", {2}, {}},
  };
  for (const auto& c : cases) {
    Importer importer("t", kNow);
    std::vector<LineResult> lines;
    Status s = read_records(c.data, c.format, importer, [&](const Document&) { return Status::ok(); }, &lines);
    ASSERT_TRUE(s) << c.name << ": " << s.to_string();
    std::vector<size_t> accepted, rejected;
    for (const auto& l : lines) (l.outcome == Importer::Outcome::rejected ? rejected : accepted).push_back(l.line);
    EXPECT_EQ(accepted, c.accepted_lines) << c.name;
    EXPECT_EQ(rejected, c.rejected_lines) << c.name;
  }
}

TEST(IngestRead, CsvCellsKeepCommasAndNewlines) {
  Importer importer("t", kNow);
  std::vector<std::string> texts;
  const std::string data = "kind,external_id,text,published_at\npost,p1,\"甲，乙, 丙\n丁\",2026-10-05T09:30:00+08:00\n";
  ASSERT_TRUE(read_records(data, Format::csv, importer, [&](const Document& d) {
    texts.push_back(d.text);
    return Status::ok();
  }));
  EXPECT_EQ(texts, (std::vector<std::string>{"甲，乙, 丙\n丁"}));
}

TEST(IngestRead, UnreadableInputIsRefusedAsAWhole) {
  struct Case {
    const char* name;
    Format format;
    std::string data;
    const char* says;
  } cases[] = {
      {"GBK bytes", Format::jsonl, "{\"text\":\"\xC4\xE3\xBA\xC3\"}\n", "not UTF-8"},
      {"CSV without a header", Format::csv, "", "no header"},
  };
  for (const auto& c : cases) {
    Importer importer("t", kNow);
    int emitted = 0;
    Status s = read_records(c.data, c.format, importer, [&](const Document&) { ++emitted; return Status::ok(); });
    EXPECT_EQ(s.kind(), Status::Kind::invalid) << c.name;
    EXPECT_NE(s.message().find(c.says), std::string::npos) << c.name << ": " << s.message();
    EXPECT_EQ(emitted, 0) << c.name;
  }
}

TEST(IngestRead, AFailingProducerStopsTheReading) {
  Importer importer("t", kNow);
  int emitted = 0;
  const std::string t = "2026-10-05T09:30:00+08:00";
  std::string data;
  for (int i = 0; i < 5; ++i)
    data += "{\"kind\":\"post\",\"external_id\":\"p" + std::to_string(i) + "\",\"text\":\"x\",\"published_at\":\"" + t + "\"}\n";
  Status s = read_records(data, Format::jsonl, importer, [&](const Document&) {
    return ++emitted == 2 ? Status::retry_later("broker down") : Status::ok();
  });
  EXPECT_EQ(s.kind(), Status::Kind::retry_later);
  EXPECT_EQ(emitted, 2);
}

TEST(IngestSource, NamesAreCheckedBeforeAnythingIsRead) {
  for (const char* ok : {"weibo-monitor", "partner_dept.2", "a"}) EXPECT_TRUE(check_source_name(ok)) << ok;
  for (const char* bad : {"", "has space", "斜杠/", "x;drop"}) EXPECT_FALSE(check_source_name(bad)) << bad;
}

TEST(IngestHealth, TheRowCountsLikeACrawl) {
  Report r;
  r.accepted = 4;
  r.rejected = 2;
  r.duplicates = 1;
  r.reasons = {{"kind", 1}, {"published_at", 1}};
  const json row = json::parse(health_row(r, "partner", "run-1", kNow));
  EXPECT_EQ(row["source"], "partner");
  EXPECT_EQ(row["fetched"], 7);
  EXPECT_EQ(row["documents"], 4);
  EXPECT_EQ(row["failed"], 2);
  EXPECT_EQ(row["failed_reasons"], json({"invalid kind", "invalid published_at"}));
  EXPECT_EQ(row["last_success"], "2026-10-20 00:00:00");
}

}  // namespace
}  // namespace yuqing::ingest
