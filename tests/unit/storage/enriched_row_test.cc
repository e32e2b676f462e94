// The sink's fast reader (storage/enriched_row.h) against the path it replaces, parse_enriched +
// to_row_binary: for every message the same row bytes or the same reject reason; and which messages
// the fast reader takes itself (the plain ones) and which it hands to parse_enriched.
#include "storage/enriched_row.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/document.h"
#include "storage/sink.h"

namespace yuqing::clickhouse {
namespace {

using nlohmann::json;

// What the sink did before the fast reader: the typed document, then its row.
Status slow_row(std::string_view message, std::string& out) {
  EnrichedDocument d;
  if (Status s = parse_enriched(message, d); !s) return s;
  to_row_binary(d, out);
  return Status::ok();
}

// A processor's message (to_json of a full EnrichedDocument): what the sink reads all day.
json processor_message() {
  EnrichedDocument e;
  e.doc.id = "0123456789abcdef0123456789abcdef";
  e.doc.kind = DocKind::comment;
  e.doc.parent_id = "fedcba9876543210fedcba9876543210";
  e.doc.context = "关于加装电梯\n小区加装电梯的进度";
  e.doc.url = "http://news.example/a/1?x=1&y=\"2\"";
  e.doc.site = "news";
  e.doc.title = "关于加装电梯的问题";
  e.doc.text = "小区加装电梯的进度怎么样了，业主们都很关心。\n第二段\t制表";
  e.doc.author = "张三";
  e.doc.source_name = "区融媒体中心";
  e.doc.published_at = 1794758400;
  e.doc.fetched_at = 1794758460;
  e.doc.charset = "gb18030";
  e.tags.category_l1 = "城乡建设";
  e.tags.category_l2 = "住房";
  e.tags.category_score = 0.8371;
  e.tags.issues = {{"老旧小区改造", {"区住房城乡建设局", "街道办"}, 1.5, {"加装电梯", "老旧小区"}},
                   {"养老服务", {"区民政局", "街道办"}, 0.25, {}}};
  e.tags.sentiment_label = "negative";
  e.tags.sentiment_score = -0.4;
  e.tags.sentiment_evidence = {"关心", "怎么样"};
  e.tags.intent = "inquiry";
  e.tags.places = {"运河街道", "邳庄镇"};
  e.tags.keywords = {"加装电梯", "业主", "进度"};
  e.tags.content_hash = "9f86d081884c7d65";
  e.tags.story_id = "story-1";
  e.tags.story_match = "near";
  e.processed_at = 1794758470;
  return json::parse(to_json(e));
}

// The processor's message with `edit` applied.
std::string edited(const std::function<void(json&)>& edit) {
  json j = processor_message();
  edit(j);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The processor's message with `from` replaced by `to` in its text (for what json::dump cannot write).
std::string replaced(const std::string& from, const std::string& to) {
  std::string s = processor_message().dump(-1, ' ', false, json::error_handler_t::replace);
  const size_t at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("test: '" + from + "' not in the message");
  return s.replace(at, from.size(), to);
}

std::string nested(int depth) {
  return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

struct Case {
  const char* name;
  std::string message;
  bool fast;  // the fast reader writes the row itself (else parse_enriched decides)
};

void expect_same(EnrichedRowReader& r, const std::string& message) {
  std::string fast = "prefix", slow = "prefix";  // both append
  const Status a = r.append_row(message, fast);
  const Status b = slow_row(message, slow);
  EXPECT_EQ(a.kind(), b.kind());
  EXPECT_EQ(a.message(), b.message());
  EXPECT_EQ(fast, slow);
}

TEST(EnrichedRow, SameRowOrSameReasonAsParseEnrichedThenToRowBinary) {
  const std::string ok = processor_message().dump();
  const std::vector<Case> cases = {
      // What the processor writes, and the optional parts missing.
      {"processor message", ok, true},
      {"published_at null", edited([](json& j) { j["published_at"] = nullptr; }), true},
      {"published_at missing", edited([](json& j) { j.erase("published_at"); }), true},
      {"published_at before 1970 (stored as 0)", edited([](json& j) { j["published_at"] = "1960-01-01T00:00:00Z"; }), true},
      {"published_at with an offset", edited([](json& j) { j["published_at"] = "2026-12-02T10:00:00+08:00"; }), true},
      {"fetched_at empty (0)", edited([](json& j) { j["fetched_at"] = ""; }), true},
      {"processed_at missing", edited([](json& j) { j.erase("processed_at"); }), true},
      {"optional strings null", edited([](json& j) {
         for (const char* k : {"parent_id", "context", "title", "author", "source_name", "charset"}) j[k] = nullptr;
       }), true},
      {"tags empty: defaults", edited([](json& j) { j["tags"] = json::object(); }), true},
      {"category null, sentiment an array, story a string: ignored", edited([](json& j) {
         j["tags"]["category"] = nullptr;
         j["tags"]["sentiment"] = json::array({1});
         j["tags"]["story"] = "x";
       }), true},
      {"category and sentiment without score, issues null", edited([](json& j) {
         j["tags"]["category"].erase("score");
         j["tags"]["sentiment"].erase("score");
         j["tags"]["issues"] = nullptr;
       }), true},
      {"issue with only a name", edited([](json& j) { j["tags"]["issues"] = json::array({{{"name", "教育"}}}); }), true},
      {"every kind", edited([](json& j) { j["kind"] = "reply"; }), true},
      {"unknown fields, nested", edited([](json& j) {
         j["extra"] = {{"a", json::array({1, "2", nullptr, true, {{"b", 3.5}}})}};
         j["tags"]["extra"] = nested(50);
         j["tags"]["issues"][0]["extra"] = false;
       }), true},
      // Numbers: nlohmann's shortest round-trip digits, whole numbers as "1.0".
      {"integer, negative, huge and tiny scores", edited([](json& j) {
         j["tags"]["category"]["score"] = 1;
         j["tags"]["sentiment"]["score"] = -1;
         j["tags"]["issues"][0]["score"] = 18446744073709551615ULL;
         j["tags"]["issues"][1]["score"] = 5e-324;
       }), true},
      {"category score -0.0", replaced("\"score\":0.8371", "\"score\":-0.0"), true},
      {"scores written by hand", replaced("\"score\":1.5", "\"score\":1.0E21"), true},
      {"score 0.1 written as 1e-1", replaced("\"score\":0.25", "\"score\":1e-1"), true},
      {"score with 20 digits", replaced("\"score\":-0.4", "\"score\":-123456789.12345678901234"), true},
      // Strings: escapes read, then written again as nlohmann writes them.
      {"escapes in text and tags", edited([](json& j) {
         j["text"] = std::string("quote \" backslash \\ slash / nul \0 ctl \x01\x1f del \x7f \b\f\n\r\t end", 49);
         j["tags"]["keywords"] = json::array({"\"", "\\", std::string("\0", 1), "\x1f", "\x7f", "é文😀"});
         j["tags"]["category"]["level1"] = "tab\there";
       }), true},
      {"escaped slash and \\u escapes written by hand", replaced("\"intent\":\"inquiry\"",
                                                                 "\"intent\":\"\\/\\u4e2d\\ud83d\\ude00\\u0041\\u001F\""), true},
      {"whitespace around everything", " \n\t{ \"schema\" : \"yuqing.enriched/1\" , \"id\":\"a\",\"kind\":\"post\",\"url\":\"u\","
                                       "\"site\":\"s\",\"text\":\"t\",\"fetched_at\":\"2026-12-02T10:00:00Z\",\"tags\" : { } } \r\n", true},
      {"departments shared by two issues, once in the row", edited([](json& j) {
         j["tags"]["issues"][1]["departments"] = json::array({"街道办", "区住房城乡建设局", "区民政局"});
       }), true},
      // parse_enriched's own business: it reads these (or rejects them) itself.
      {"byte-order mark", "\xEF\xBB\xBF" + ok, false},
      {"a key twice (nlohmann keeps the last)", replaced("\"title\":", "\"title\":\"first\",\"title\":"), false},
      {"a tags key twice", replaced("\"intent\":", "\"intent\":\"first\",\"intent\":"), false},
      {"an unknown key twice (harmless)", replaced("\"title\":", "\"x\":1,\"x\":2,\"title\":"), true},
      {"an integer beyond 64 bits in an unknown field", replaced("\"title\":", "\"x\":123456789012345678901234567890,\"title\":"),
       false},
      {"nesting deeper than simdjson's 1024 in an unknown field", replaced("\"title\":", "\"x\":" + nested(1100) + ",\"title\":"),
       false},
      // Rejected: the same reason as parse_enriched gives.
      {"malformed JSON", ok.substr(0, ok.size() - 1), false},
      {"empty", "", false},
      {"not an object", "[1,2]", false},
      {"a string", "\"x\"", false},
      {"trailing garbage", ok + " x", false},
      {"two objects", ok + ok, false},
      {"schema missing", edited([](json& j) { j.erase("schema"); }), false},
      {"schema of a raw document", edited([](json& j) { j["schema"] = "yuqing.raw/1"; }), false},
      {"id missing", edited([](json& j) { j.erase("id"); }), false},
      {"id empty", edited([](json& j) { j["id"] = ""; }), false},
      {"id a number", edited([](json& j) { j["id"] = 7; }), false},
      {"kind unknown", edited([](json& j) { j["kind"] = "tweet"; }), false},
      {"url null", edited([](json& j) { j["url"] = nullptr; }), false},
      {"site missing", edited([](json& j) { j.erase("site"); }), false},
      {"text missing", edited([](json& j) { j.erase("text"); }), false},
      {"title a number", edited([](json& j) { j["title"] = 1; }), false},
      {"context an array", edited([](json& j) { j["context"] = json::array(); }), false},
      {"charset true", edited([](json& j) { j["charset"] = true; }), false},
      {"published_at not a time", edited([](json& j) { j["published_at"] = "yesterday"; }), false},
      {"published_at a number", edited([](json& j) { j["published_at"] = 1794758400; }), false},
      {"fetched_at missing", edited([](json& j) { j.erase("fetched_at"); }), false},
      {"tags missing", edited([](json& j) { j.erase("tags"); }), false},
      {"tags an array", edited([](json& j) { j["tags"] = json::array(); }), false},
      {"category level1 a number", edited([](json& j) { j["tags"]["category"]["level1"] = 1; }), false},
      {"category score a string", edited([](json& j) { j["tags"]["category"]["score"] = "1"; }), false},
      {"sentiment label missing", edited([](json& j) { j["tags"]["sentiment"].erase("label"); }), false},
      {"sentiment label unknown", edited([](json& j) { j["tags"]["sentiment"]["label"] = "angry"; }), false},
      {"sentiment score true", edited([](json& j) { j["tags"]["sentiment"]["score"] = true; }), false},
      {"sentiment evidence with a number", edited([](json& j) { j["tags"]["sentiment"]["evidence"] = json::array({"a", 1}); }), false},
      {"issues an object", edited([](json& j) { j["tags"]["issues"] = json::object(); }), false},
      {"an issue a string", edited([](json& j) { j["tags"]["issues"] = json::array({"教育"}); }), false},
      {"an issue without name", edited([](json& j) { j["tags"]["issues"][1].erase("name"); }), false},
      {"issue departments a string", edited([](json& j) { j["tags"]["issues"][0]["departments"] = "x"; }), false},
      {"issue score null is 0 (kept)", edited([](json& j) { j["tags"]["issues"][0]["score"] = nullptr; }), true},
      {"issue evidence with null", edited([](json& j) { j["tags"]["issues"][0]["evidence"] = json::array({nullptr}); }), false},
      {"intent a number", edited([](json& j) { j["tags"]["intent"] = 3; }), false},
      {"places with a number", edited([](json& j) { j["tags"]["places"] = json::array({"a", 2}); }), false},
      {"keywords a string", edited([](json& j) { j["tags"]["keywords"] = "a"; }), false},
      {"content_hash an object", edited([](json& j) { j["tags"]["content_hash"] = json::object(); }), false},
      {"story id a number", edited([](json& j) { j["tags"]["story"]["id"] = 1; }), false},
      {"processed_at not a time", edited([](json& j) { j["processed_at"] = "soon"; }), false},
      {"a lone surrogate escape", replaced("\"intent\":\"inquiry\"", "\"intent\":\"\\udc00\""), false},
      {"invalid UTF-8 in a string", replaced("张三", "\xE5\xBC"), false},
      {"a UTF-8 surrogate in a string", replaced("张三", "\xED\xA0\x80"), false},
      {"a raw control character in a string", replaced("张三", "\x01"), false},
      {"a number overflowing double", replaced("\"score\":1.5", "\"score\":1e400"), false},
      {"a leading zero", replaced("\"score\":1.5", "\"score\":01"), false},
  };
  EnrichedRowReader reader;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const uint64_t slow_before = reader.slow_reads();
    expect_same(reader, c.message);
    EXPECT_EQ(reader.slow_reads() - slow_before, c.fast ? 0u : 1u) << (c.fast ? "left to parse_enriched" : "read fast");
  }
  // The first case must be a row, the reject cases rejects: the table tests both outcomes.
  std::string row;
  EXPECT_TRUE(reader.append_row(ok, row));
  EXPECT_FALSE(row.empty());
  EXPECT_EQ(reader.append_row("[]", row).kind(), Status::Kind::reject);
}

TEST(EnrichedRow, ReusedBuffersDoNotLeakIntoTheNextRow) {
  // A message with three issues, then one with one: the second row must not carry the first's.
  const std::string many = edited([](json& j) {
    j["tags"]["issues"] = json::array({{{"name", "a"}, {"departments", {"x"}}}, {{"name", "b"}, {"departments", {"y"}}},
                                       {{"name", "c"}, {"evidence", {"e"}}}});
  });
  const std::string one = edited([](json& j) { j["tags"]["issues"] = json::array({{{"name", "d"}}}); });
  EnrichedRowReader reader;
  for (const std::string& m : {many, one, many, processor_message().dump(), one}) expect_same(reader, m);
  EXPECT_EQ(reader.slow_reads(), 0u);
}

TEST(EnrichedRow, FuzzSeedsGiveTheSameRowOrReason) {
  // The seeds of the document fuzzer (tests/fuzz/corpus/document), as the sink would read them.
  const std::filesystem::path dir = "tests/fuzz/corpus/document";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "run from the source tree";
  EnrichedRowReader reader;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    expect_same(reader, bytes.str());
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace yuqing::clickhouse
