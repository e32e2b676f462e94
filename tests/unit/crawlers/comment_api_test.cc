// A comment API's answers, good and hostile: what is refused as a whole (one "bad comment api
// answer" for the source), what is skipped item by item, and what is read.
#include "crawlers/comment_api.h"

#include <gtest/gtest.h>

namespace yuqing::crawlers {
namespace {

CommentApi sandbox_api() {  // the shipped configs/sources.yaml's comment API
  CommentApi api;
  api.items = "data.comments";
  api.key = "comment:{}";
  api.key_field = "id";
  api.fields = {{"author", "user"}, {"text", "content"}, {"published_at", "created_at"}};
  api.next_cursor = "data.next_cursor";
  return api;
}

constexpr UnixSeconds kNow = 1796342400;  // 2026-12-03 00:00 UTC

}  // namespace

TEST(CommentApi, AnswersThatAreNotAPageAreRefusedAsAWhole) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const struct {
    const char* name;
    std::string body;
  } cases[] = {
      {"empty body", ""},
      {"an HTML error page", "<html><body>502 Bad Gateway</body></html>"},
      {"truncated JSON", R"({"data": {"comments": [{"id": 1, "content": "路灯坏了)"},
      {"a JSONP wrapper", R"(cb({"data": {"comments": []}}))"},
      {"invalid UTF-8 in a string", "{\"data\": {\"comments\": [{\"id\": 1, \"content\": \"\xff\xfe\"}]}}"},
      {"items absent", R"({"data": {"total": 0}})"},
      {"items an object", R"({"data": {"comments": {"id": 1, "content": "路灯坏了"}}})"},
      {"items a string", R"({"data": {"comments": "[]"}})"},
      {"items null", R"({"data": {"comments": null}})"},
      {"data an array", R"({"data": [{"comments": []}]})"},
      {"a top-level array", R"([{"id": 1, "content": "路灯坏了"}])"},
      {"100,000 nested arrays", deep},
  };
  for (const auto& c : cases) EXPECT_FALSE(read_comment_api(sandbox_api(), c.body, kNow)) << c.name;
}

TEST(CommentApi, OddItemsAreSkippedOrReadAsTextAndTheRestOfThePageKept) {
  const auto page = read_comment_api(sandbox_api(), R"({"data": {"comments": [
      {"id": 11, "user": "张三", "content": "路灯坏了三天", "created_at": "2026-12-02 08:30:00"},
      5, null, "text", [], {},
      {"id": 12, "content": null},
      {"id": 13, "content": ""},
      {"id": "c-14", "user": {"name": "李四"}, "content": 42, "created_at": "不是时间"},
      {"id": 16, "content": "楼上说得对", "user": null, "extra": {"deep": [1, 2, 3]}}
    ], "next_cursor": 7}})",
                                     kNow);
  ASSERT_TRUE(page);
  const struct {
    std::string key, text, author;
    bool dated;
  } want[] = {
      {"comment:11", "路灯坏了三天", "张三", true},
      {"comment:14", "42", R"({"name":"李四"})", false},  // other JSON types are read as their JSON text
      {"comment:16", "楼上说得对", "", false},
  };
  ASSERT_EQ(page->items.size(), std::size(want));
  for (size_t i = 0; i < page->items.size(); ++i) {
    const CommentApiItem& got = page->items[i];
    EXPECT_EQ(got.key, want[i].key) << i;
    EXPECT_EQ(got.document.text, want[i].text) << i;
    EXPECT_EQ(got.document.author, want[i].author) << i;
    EXPECT_EQ(got.document.published_at.has_value(), want[i].dated) << i;
    EXPECT_EQ(got.document.kind, DocKind::comment) << i;
  }
  EXPECT_EQ(page->next_cursor, "7");
}

TEST(CommentApi, TheLastPageHasNoCursor) {
  for (const char* body : {R"({"data": {"comments": []}})", R"({"data": {"comments": [], "next_cursor": null}})",
                           R"({"data": {"comments": [], "next_cursor": ""}})", R"({"data": {"comments": [], "next_cursor": "null"}})"}) {
    const auto page = read_comment_api(sandbox_api(), body, kNow);
    ASSERT_TRUE(page) << body;
    EXPECT_TRUE(page->items.empty()) << body;
    EXPECT_EQ(page->next_cursor, "") << body;
  }
}

}  // namespace yuqing::crawlers
