// Against the real ClickHouse server: migrations, error translation and the Kafka -> ClickHouse sink.
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/clickhouse/client.h"
#include "storage/clickhouse/migrations.h"
#include "storage/sink.h"
#include "stream/kafka.h"
#include "tests/integration/support.h"

namespace yuqing::clickhouse {
namespace {

std::string scalar(Client& c, const std::string& sql) {
  auto r = c.execute(sql + " FORMAT TabSeparated");
  EXPECT_TRUE(r.status) << r.status.to_string();
  while (!r.body.empty() && r.body.back() == '\n') r.body.pop_back();
  return r.body;
}

EnrichedDocument doc(int i) {
  EnrichedDocument e;
  e.doc.id = make_document_id("http://sandbox/" + std::to_string(i));
  e.doc.url = "http://sandbox/" + std::to_string(i);
  e.doc.site = "test";
  e.doc.text = "文本 " + std::to_string(i);
  e.doc.fetched_at = 1655519400 + i;
  e.processed_at = 1655519500;
  e.tags.issues.push_back({"教育", {"区教育和体育局"}, 1, {"学校"}});
  return e;
}

class ClickHouse : public ::testing::Test {
 protected:
  void SetUp() override { config_ = testing::isolated_config(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  void TearDown() override { testing::drop_database(config_); }
  Config config_;
};

}  // namespace

TEST_F(ClickHouse, MigrateIsIdempotentAndRecordsVersions) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied)) << "is ClickHouse running? scripts/services.sh start";
  EXPECT_EQ(applied.size(), embedded_migrations().size());
  applied.clear();
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  EXPECT_TRUE(applied.empty());
  Client c(config_.clickhouse);
  EXPECT_EQ(scalar(c, "SELECT count() FROM schema_migrations FINAL"), std::to_string(embedded_migrations().size()));
  EXPECT_EQ(scalar(c, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'documents'"), "1");
}

TEST_F(ClickHouse, ChangedMigrationIsRefused) {
  std::vector<std::string> applied;
  auto migrations = embedded_migrations();
  ASSERT_TRUE(migrate(config_.clickhouse, migrations, applied));
  migrations.front().sql += "\n-- edited";
  const Status s = migrate(config_.clickhouse, migrations, applied);
  EXPECT_EQ(s.kind(), Status::Kind::invalid);
  EXPECT_NE(s.message().find("001_documents"), std::string::npos) << s.message();
}

TEST_F(ClickHouse, ServerErrorsAreTranslatedOnce) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  Client c(config_.clickhouse);
  auto r = c.execute("SELECT * FROM no_such_table");
  EXPECT_EQ(r.status.kind(), Status::Kind::invalid);
  EXPECT_EQ(r.code, 60);
  r = c.execute("INSERT INTO documents FORMAT JSONEachRow", "{\"id\": \"x\", \"event_time\": \"not a time\"}\n");
  EXPECT_EQ(r.status.kind(), Status::Kind::reject) << r.status.to_string();

  ClickHouseOptions wrong = config_.clickhouse;
  wrong.password = "definitely-wrong";
  EXPECT_EQ(Client(wrong).execute("SELECT 1").status.kind(), Status::Kind::fatal);

  ClickHouseOptions nobody = config_.clickhouse;
  nobody.url = "http://127.0.0.1:1";  // nothing listens on port 1
  EXPECT_EQ(Client(nobody).execute("SELECT 1").status.kind(), Status::Kind::retry_later);
}

// ClickHouse answers on loopback here, so "auto" sends plain bodies; "true" must still gzip them
// (and the server read them back), since a remote server gets every insert that way.
TEST_F(ClickHouse, InsertBodiesAreGzippedUnlessTheServerIsOnLoopback) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  const struct {
    std::string compress;
    bool gzip_before_any_answer, gzip_after_a_loopback_answer;
  } cases[] = {{"auto", true, false}, {"true", true, true}, {"false", false, false}};
  int stored = 0;
  for (const auto& c : cases) {
    ClickHouseOptions o = config_.clickhouse;
    o.compress = c.compress;
    Client client(o);
    EXPECT_EQ(client.compresses_inserts(), c.gzip_before_any_answer) << c.compress;
    ASSERT_TRUE(client.execute("SELECT 1").status);
    EXPECT_EQ(client.compresses_inserts(), c.gzip_after_a_loopback_answer) << c.compress;
    std::string body;
    for (int i = 0; i < 20; ++i) {
      EnrichedDocument d = doc(100 * (stored + 1) + i);
      d.doc.text = std::string(200, 'a' + char(i));  // 20 rows of 200+ bytes: over the 1 KiB below which nothing is gzip'd
      to_row_binary(d, body);
    }
    ASSERT_GT(body.size(), 4096u);
    ASSERT_TRUE(client.execute(kInsertRowBinary, body).status) << c.compress;
    stored += 20;
    EXPECT_EQ(scalar(client, "SELECT count() FROM documents"), std::to_string(stored)) << c.compress;
  }
}

TEST_F(ClickHouse, SinkStoresEachDocumentOnceAndDeadLettersPoison) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  ASSERT_TRUE(kafka::ensure_topics(config_.kafka));
  Status s;
  auto producer = kafka::Producer::create(config_.kafka, "test", s);
  ASSERT_TRUE(s);
  for (int i = 0; i < 300; ++i) {
    const auto e = doc(i);
    ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, e.doc.id, to_json(e)));
    if (i % 10 == 0) {  // a replay of the same document
      ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, e.doc.id, to_json(e)));
    }
  }
  ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, "bad1", "{not json"));
  ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, "bad2", R"({"schema":"yuqing.enriched/1","id":"x"})"));
  ASSERT_TRUE(producer->flush(30000));

  SinkStats stats;
  ASSERT_TRUE(run_sink(config_, {true, 0}, stats));
  EXPECT_EQ(stats.consumed, 332u);
  EXPECT_EQ(stats.dead_lettered, 2u);
  EXPECT_EQ(stats.inserted, 330u);
  Client c(config_.clickhouse);
  EXPECT_EQ(scalar(c, "SELECT uniqExact(id) FROM documents"), "300");
  EXPECT_EQ(scalar(c, "SELECT count() FROM documents FINAL"), "300");
  EXPECT_EQ(scalar(c, "SELECT any(departments) FROM documents"), "['区教育和体育局']");

  auto dead = kafka::Consumer::create(config_.kafka, config_.sink.group + ".dl", {config_.kafka.dead_letter_topic}, s);
  std::vector<kafka::Message> letters;
  for (int i = 0; i < 100 && !(letters.size() >= 2 && dead->at_end()); ++i) {
    auto batch = dead->poll(100, 200, s);
    letters.insert(letters.end(), batch.begin(), batch.end());
  }
  ASSERT_EQ(letters.size(), 2u);

  // The offsets were committed: a second run finds nothing new.
  SinkStats again;
  ASSERT_TRUE(run_sink(config_, {true, 0}, again));
  EXPECT_EQ(again.consumed, 0u);
}

// A sink killed inside its dead-letter transaction leaves that transaction open on the broker: its
// dead letters are in the log but not committed, and neither are the batch's offsets. Here the
// killed sink is a producer with the sink's transactional id that began a transaction, wrote two
// letters marked "zombie" and went silent (never committed nor aborted) — the broker's state after
// a SIGKILL at that point. The next sink, same id, fences it: the open transaction is aborted, the
// batch is read again, and the dead-letter topic shows each poison message once, from the new sink.
TEST_F(ClickHouse, ASinkKilledInsideItsDeadLetterTransactionLeavesNoLetterBehind) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  ASSERT_TRUE(kafka::ensure_topics(config_.kafka));
  Status s;
  auto producer = kafka::Producer::create(config_.kafka, "test", s);
  ASSERT_TRUE(s);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, doc(i).doc.id, to_json(doc(i))));
  ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, "bad1", "{not json"));
  ASSERT_TRUE(producer->produce(config_.kafka.enriched_topic, "bad2", R"({"schema":"yuqing.enriched/1","id":"x"})"));
  ASSERT_TRUE(producer->flush(30000));

  const SinkRun run{true, 0};
  auto zombie = kafka::Producer::create_transactional(config_.kafka, config_.sink.group + ".dead-letter." + run.instance, s);
  ASSERT_TRUE(s) << s.to_string();
  ASSERT_TRUE(zombie->begin());
  for (const char* key : {"bad1", "bad2"}) ASSERT_TRUE(zombie->produce(config_.kafka.dead_letter_topic, key, "zombie"));
  ASSERT_TRUE(zombie->flush(30000));  // on the broker, inside the open transaction

  SinkStats stats;
  ASSERT_TRUE(run_sink(config_, run, stats));
  EXPECT_EQ(stats.consumed, 52u);
  EXPECT_EQ(stats.inserted, 50u);
  EXPECT_EQ(stats.dead_lettered, 2u);
  Client c(config_.clickhouse);
  EXPECT_EQ(scalar(c, "SELECT count() FROM documents FINAL"), "50");

  // What a reader of the dead-letter topic sees: committed records only (the default), and what the
  // log holds (read_uncommitted) — so the zombie's letters were really written, then aborted.
  auto letters = [&](const std::string& isolation) {
    KafkaOptions o = config_.kafka;
    o.client["isolation.level"] = isolation;
    Status cs;
    auto dead = kafka::Consumer::create(o, config_.sink.group + ".dl." + isolation, {o.dead_letter_topic}, cs);
    EXPECT_TRUE(cs) << cs.to_string();
    std::vector<std::string> values;
    for (int i = 0; dead && i < 60; ++i) {
      for (const auto& m : dead->poll(100, 200, cs)) values.push_back(m.key + (m.value == "zombie" ? ":zombie" : ":sink"));
      if (values.size() >= 2 && dead->at_end()) break;
    }
    std::sort(values.begin(), values.end());
    return values;
  };
  EXPECT_EQ(letters("read_committed"), (std::vector<std::string>{"bad1:sink", "bad2:sink"}));
  EXPECT_EQ(letters("read_uncommitted"), (std::vector<std::string>{"bad1:sink", "bad1:zombie", "bad2:sink", "bad2:zombie"}));
  zombie.reset();  // fenced since the sink started: it can do nothing more
}

// The sink's RowBinary rows, read back, equal the same documents inserted as JSONEachRow (the
// encoding the sink used before): every column, every type, including NULL, arrays, UTF-8, the
// characters JSON escapes, long strings and times ClickHouse cannot hold.
TEST_F(ClickHouse, RowBinaryRowsReadBackAsTheJsonRows) {
  std::vector<std::string> applied;
  ASSERT_TRUE(migrate(config_.clickhouse, embedded_migrations(), applied));
  Client c(config_.clickhouse);
  ASSERT_TRUE(c.execute("CREATE TABLE documents_json AS documents").status);
  std::vector<EnrichedDocument> docs;
  for (int i = 0; i < 6; ++i) docs.push_back(doc(i));
  docs[0].doc.published_at = 1655519000;
  docs[0].doc.kind = DocKind::comment;
  docs[0].doc.parent_id = docs[1].doc.id;
  docs[0].doc.author = "网友\"小王\"";
  docs[0].doc.source_name = "邳州日报";
  docs[1].doc.title = std::string(300, 'x') + "标题";
  docs[1].doc.text = "tab\tnewline\nquote' backslash\\ 😀 NUL-free";
  docs[2].tags.category_l1 = "城乡建设";
  docs[2].tags.category_l2 = "物业";
  docs[2].tags.issues.push_back({"社会救助", {"区民政局", "区教育和体育局"}, 0.5, {"低保"}});
  docs[2].tags.sentiment_label = "negative";
  docs[2].tags.sentiment_score = -0.8;
  docs[2].tags.intent = "complaint";
  docs[2].tags.places = {"运河街道", "邳庄镇"};
  docs[2].tags.keywords = {"加装电梯", "物业", ""};
  docs[2].tags.content_hash = "h1";
  docs[2].tags.story_id = "s1";
  docs[3].tags.sentiment_score = 0.1;
  docs[4].doc.published_at = -86400;                // before 1970: stored as 0 both ways on 18.16
  docs[5].doc.fetched_at = 4102444800;              // 2100-01-01, within DateTime
  std::string binary, json;
  for (const auto& d : docs) {
    to_row_binary(d, binary);
    json += to_row(d);
  }
  ASSERT_TRUE(c.execute(kInsertRowBinary, binary).status);
  ASSERT_TRUE(c.execute("INSERT INTO documents_json FORMAT JSONEachRow", json).status);
  const auto rows = [&](const std::string& table) {
    auto r = c.execute("SELECT * FROM " + table + " ORDER BY id FORMAT JSONEachRow");
    EXPECT_TRUE(r.status) << r.status.to_string();
    return r.body;
  };
  const std::string stored = rows("documents");
  EXPECT_EQ(stored, rows("documents_json"));
  EXPECT_EQ(std::count(stored.begin(), stored.end(), '\n'), 6);
  EXPECT_NE(stored.find("\"published_at\":null"), std::string::npos) << stored;
}

}  // namespace yuqing::clickhouse
