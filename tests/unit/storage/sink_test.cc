// The sink stage without Kafka or ClickHouse: sink_stage on the fakes of tests/unit/stream/fakes.h
// and a scripted insert, for its own behaviours (one insert per batch, the row-by-row search for the
// rows ClickHouse rejects, retries, dead letters in the transaction with the offsets).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "storage/sink.h"
#include "tests/unit/stream/fakes.h"

namespace yuqing::clickhouse {
namespace {

using Kind = Status::Kind;

std::string enriched(int i, const std::string& text = "文本") {
  EnrichedDocument e;
  e.doc.url = "http://sandbox/" + std::to_string(i);
  e.doc.id = make_document_id(e.doc.url);
  e.doc.site = "test";
  e.doc.text = text + " " + std::to_string(i);
  e.doc.fetched_at = 1655519400 + i;
  e.processed_at = 1655519500;
  return to_json(e);
}

// ClickHouse as the sink sees it: rejects a body holding a row with POISON; answers[n] overrides
// the answer to the n-th insert (from 0). RowBinary rows have no terminator: each of the tests'
// rows holds its url "http://sandbox/<i>" once, so that counts them.
struct FakeClickHouse {
  Status operator()(const std::string& body) {
    const int n = calls++;
    bodies.push_back(body);
    if (answers.count(n)) return answers.at(n);
    if (body.find("POISON") != std::string::npos) return Status::reject("Code: 27. Cannot parse input");
    for (size_t at = 0; (at = body.find("http://sandbox/", at)) != std::string::npos; ++at) ++rows_stored;
    return Status::ok();
  }
  std::map<int, Status> answers;
  std::vector<std::string> bodies;
  int calls = 0;
  int rows_stored = 0;
};

TEST(Sink, StageInsertsBatchesAndFindsTheRowsClickHouseRejects) {
  struct Case {
    const char* name;
    std::vector<std::string> values;
    std::map<int, Status> answers;
    Kind result;
    int inserts;            // calls of the insert
    uint64_t inserted;      // rows counted inserted (each once)
    uint64_t dead_lettered;
    uint64_t retries;
    size_t committed;
  };
  const Status down = Status::retry_later("Connection refused");
  const std::vector<Case> cases = {
      {"one insert for the batch", {enriched(1), enriched(2), enriched(3)}, {}, Kind::ok, 1, 3, 0, 0, 3},
      {"unparseable messages are dead-lettered", {enriched(1), "{not json", enriched(2)}, {}, Kind::ok, 1, 2, 1, 0, 3},
      {"ClickHouse down twice: the same batch again", {enriched(1), enriched(2)}, {{0, down}, {1, down}}, Kind::ok, 3, 2, 0,
       2, 2},
      {"a rejected batch is inserted row by row", {enriched(1), enriched(2, "POISON"), enriched(3)}, {}, Kind::ok, 4, 2, 1,
       0, 3},
      // Rows: 1 whole batch (rejected), row 1 ok, row 2 down then rejected, row 3 ok.
      {"down during the row-by-row search resumes at that row",
       {enriched(1), enriched(2, "POISON"), enriched(3)}, {{2, down}}, Kind::ok, 5, 2, 1, 1, 3},
      {"fatal stops without a commit", {enriched(1), enriched(2)}, {{0, Status::fatal("Authentication failed")}},
       Kind::fatal, 1, 0, 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Config config;
    config.sink.batch_rows = 100;
    fakes::FakeConsumer consumer(fakes::messages(c.values, 1, config.kafka.enriched_topic));
    fakes::FakeProducer dead_letters;
    FakeClickHouse clickhouse;
    clickhouse.answers = c.answers;
    bool committed_unstored = false;
    consumer.on_commit = [&](const std::vector<stream::Message>& batch) {
      committed_unstored |= clickhouse.rows_stored + int(dead_letters.delivered.size()) < int(batch.size());
    };
    SinkStats stats;
    const Insert insert = [&clickhouse](const std::string& body) { return clickhouse(body); };
    EXPECT_EQ(sink_stage(consumer, dead_letters, insert, config, SinkRun{true, 0, "0"}, stats).kind(), c.result);
    EXPECT_EQ(clickhouse.calls, c.inserts);
    EXPECT_EQ(clickhouse.rows_stored, int(c.inserted)) << "no row is inserted twice";
    EXPECT_EQ(stats.consumed, c.values.size());
    EXPECT_EQ(stats.inserted, c.inserted);
    EXPECT_EQ(stats.dead_lettered, c.dead_lettered);
    EXPECT_EQ(stats.retries, c.retries);
    EXPECT_EQ(stats.batches, c.result == Kind::ok ? 1u : 0u);
    EXPECT_EQ(consumer.committed_messages(), c.committed);
    EXPECT_FALSE(committed_unstored) << "offsets committed before ClickHouse accepted the rows";
    // Dead letters go out only in the transaction that commits the offsets, once each.
    EXPECT_EQ(dead_letters.transactions, c.dead_lettered > 0 ? 1 : 0);
    const auto letters = dead_letters.delivered_to(config.kafka.dead_letter_topic);
    ASSERT_EQ(letters.size(), c.dead_lettered);
    for (const auto& l : letters) EXPECT_EQ(nlohmann::json::parse(l.value)["stage"], "sink");
  }
}

TEST(Sink, DeadLetterTransactionIsRetriedWithTheOffsets) {
  Config config;
  fakes::FakeConsumer consumer(fakes::messages({enriched(1), "{not json"}, 1, config.kafka.enriched_topic));
  fakes::FakeProducer dead_letters;
  dead_letters.transaction_results = {Status::retry_later("coordinator moved")};  // the first aborts
  FakeClickHouse clickhouse;
  SinkStats stats;
  const Insert insert = [&clickhouse](const std::string& body) { return clickhouse(body); };
  ASSERT_TRUE(sink_stage(consumer, dead_letters, insert, config, SinkRun{true, 0, "0"}, stats));
  EXPECT_EQ(dead_letters.transactions, 2);
  EXPECT_EQ(dead_letters.delivered_to(config.kafka.dead_letter_topic).size(), 1u) << "the aborted one shows nothing";
  EXPECT_EQ(consumer.commits, 1) << "the offsets move with the committed transaction only";
  EXPECT_EQ(consumer.committed_messages(), 2u);
  EXPECT_EQ(stats.dead_lettered, 1u);
}

}  // namespace
}  // namespace yuqing::clickhouse
