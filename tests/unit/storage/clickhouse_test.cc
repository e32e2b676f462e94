#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/gzip.h"
#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "storage/sink.h"

namespace yuqing::clickhouse {

TEST(ClickHouseErrors, CodeIsParsedFromTheMessage) {
  EXPECT_EQ(parse_error_code("Code: 60, e.displayText() = DB::Exception: Table yuqing.x doesn't exist"), 60);
  EXPECT_EQ(parse_error_code("Code: 516. DB::Exception: yuqing: Authentication failed"), 516);
  EXPECT_EQ(parse_error_code("no code here"), 0);
}

TEST(ClickHouseErrors, EachCodeHasOneMeaning) {
  EXPECT_EQ(classify_clickhouse_error(252, "").kind(), Status::Kind::retry_later);  // too many parts
  EXPECT_EQ(classify_clickhouse_error(209, "").kind(), Status::Kind::retry_later);  // socket timeout
  EXPECT_EQ(classify_clickhouse_error(27, "").kind(), Status::Kind::reject);        // cannot parse input
  EXPECT_EQ(classify_clickhouse_error(117, "").kind(), Status::Kind::reject);       // incorrect data
  EXPECT_EQ(classify_clickhouse_error(516, "").kind(), Status::Kind::fatal);        // authentication failed
  EXPECT_EQ(classify_clickhouse_error(193, "").kind(), Status::Kind::fatal);        // wrong password
  EXPECT_EQ(classify_clickhouse_error(62, "").kind(), Status::Kind::invalid);       // syntax error
  EXPECT_NE(classify_clickhouse_error(60, "Table x doesn't exist").message().find("doesn't exist"), std::string::npos);
}

TEST(ClickHouseSql, QuoteEscapesQuotesAndBackslashes) {
  EXPECT_EQ(quote("a'b\\c"), "'a\\'b\\\\c'");
  EXPECT_EQ(quote("运河街道"), "'运河街道'");
}

TEST(ClickHouseHttp, GzipBodiesRoundTrip) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"id\": \"" + std::to_string(i) + "\", \"text\": \"老旧小区改造\"}\n";
  const std::string packed = gzip(text, 1);  // the client's level
  EXPECT_LT(packed.size(), text.size() / 4);
  EXPECT_EQ(gunzip(packed, text.size()), text);
  EXPECT_EQ(gunzip(packed, text.size() - 1), std::nullopt) << "beyond the limit";
  ASSERT_GE(packed.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic, as Content-Encoding: gzip requires
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
}

TEST(Migrations, EverySchemaStatementIsListedInOrder) {
  const auto all = schema_statements(embedded_migrations());
  ASSERT_GT(all.size(), embedded_migrations().size());
  EXPECT_NE(all.front().find("schema_migrations"), std::string::npos);
  auto at = [&](const std::string& what) {
    return std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.find(what) != std::string::npos; }) - all.begin();
  };
  EXPECT_LT(at("CREATE TABLE IF NOT EXISTS documents"), at("rollup_hourly_mv"));
  EXPECT_LT(at("ADD COLUMN story_id"), at("stories_mv"));
}

TEST(Migrations, StatementsAreSplitAtLineEndSemicolonsAndCommentsDropped) {
  const auto s = split_statements("-- note\nCREATE TABLE a (x String);\n\nSELECT ';' ;\nSELECT 2\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "CREATE TABLE a (x String)\n");
  EXPECT_EQ(s[1], "SELECT ';' \n");
  EXPECT_EQ(s[2], "SELECT 2\n");
}

TEST(Migrations, EmbeddedMigrationsAreOrderedAndStartWithDocuments) {
  const auto& all = embedded_migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  EXPECT_EQ(all.front().name, "001_documents");
  EXPECT_NE(all.front().sql.find("ReplacingMergeTree"), std::string::npos);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].version, all[i].version);
}

TEST(SinkRow, CarriesEveryColumnWithEventTimeFallingBackToFetchTime) {
  EnrichedDocument e;
  e.doc.id = "abc";
  e.doc.text = "正文";
  e.doc.fetched_at = 1655519400;
  e.processed_at = 1655519500;
  e.tags.issues.push_back({"教育", {"区教育和体育局"}, 1.0, {"学校"}});
  e.tags.issues.push_back({"社会救助", {"区民政局", "区教育和体育局"}, 1.0, {"低保"}});
  const auto row = nlohmann::json::parse(to_row(e));
  EXPECT_TRUE(row["published_at"].is_null());
  EXPECT_EQ(row["event_time"], "2022-06-18 02:30:00");
  EXPECT_EQ(row["issues"], nlohmann::json({"教育", "社会救助"}));
  EXPECT_EQ(row["departments"], nlohmann::json({"区教育和体育局", "区民政局"}));
  EXPECT_EQ(row["version"], 1655519500);
  EXPECT_EQ(to_row(e).back(), '\n');
}

}  // namespace yuqing::clickhouse
