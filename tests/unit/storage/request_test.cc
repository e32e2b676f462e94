// storage/queries/request.h: the parameter reading `yuqing query` and the API share, as tables of
// (parameters, verdict). No services: the checks happen before any SQL.
#include <gtest/gtest.h>

#include "storage/queries/request.h"

namespace yuqing::queries {
namespace {

constexpr UnixSeconds kNow = 1800000000;

struct Case {
  Params params;
  bool ok;
  std::string mentions;  // for a rejection: the parameter the message must name
};

template <typename Query>
void check(const char* what, Status (*parse)(const Params&, UnixSeconds, Query&, RequestOptions&), const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    Query q;
    RequestOptions o;
    const Status s = parse(c.params, kNow, q, o);
    std::string shown;
    for (const auto& [n, v] : c.params) shown += n + "=" + v + " ";
    EXPECT_EQ(bool(s), c.ok) << what << " " << shown << ": " << s.to_string();
    if (!c.ok) {
      EXPECT_EQ(s.kind(), Status::Kind::invalid) << shown;
      EXPECT_NE(s.message().find(c.mentions), std::string::npos) << shown << ": " << s.message();
    }
  }
}

TEST(QueryRequests, Trend) {
  check<TrendQuery>("trend", &trend_from_params, {
      {{}, true, ""},
      {{{"by", "week"}, {"split", "place"}, {"issue", "教育"}, {"issue", "养老"}, {"since", "2026-10-05"}}, true, ""},
      {{{"by", "year"}}, false, "by"},
      {{{"split", "kind"}}, false, "split"},
      {{{"since", "yesterday"}}, false, "since"},
      {{{"until", "2026-02-30 25:00"}}, false, "until"},
      {{{"by", "day"}, {"by", "week"}}, false, "by"},
      {{{"limit", "5"}}, false, "limit"},
      {{{"exact", "maybe"}}, false, "exact"},
  });
}

TEST(QueryRequests, TopIssuesKeywordsStoriesDocs) {
  check<TopIssuesQuery>("top-issues", &top_issues_from_params, {
      {{{"week", "2026-W43"}, {"limit", "5"}}, true, ""},
      {{{"week", "2026-W54"}}, false, "week"},
      {{{"limit", "ten"}}, false, "limit"},
      {{{"limit", "5x"}}, false, "limit"},
  });
  check<KeywordsQuery>("keywords", &keywords_from_params, {
      {{{"emerging", "true"}, {"recent", "3"}, {"baseline", "14"}, {"min-documents", "2"}}, true, ""},
      {{{"issue", "教育"}}, false, "issue"},
      {{{"emerging", "yes"}}, false, "emerging"},
      {{{"recent", ""}}, false, "recent"},
  });
  check<StoriesQuery>("stories", &stories_from_params, {
      {{{"order", "spread"}, {"place", "运河街道"}}, true, ""},
      {{{"order", "newest"}}, false, "order"},
  });
  check<DocsQuery>("docs", &docs_from_params, {
      {{{"limit", "50"}, {"offset", "100"}, {"kind", "comment"}, {"story", "abc123"}}, true, ""},
      {{{"page", "2"}}, false, "page"},
      {{{"offset", "1.5"}}, false, "offset"},
  });
}

TEST(QueryRequests, DefaultsAreTheCliDefaults) {
  TrendQuery t;
  RequestOptions o;
  ASSERT_TRUE(trend_from_params({}, kNow, t, o));
  EXPECT_EQ(*t.common.window.since->instant, kNow - 30 * 86400);
  EXPECT_EQ(t.by, Granularity::day);
  EXPECT_FALSE(o.exact);
  KeywordsQuery k;
  ASSERT_TRUE(keywords_from_params({}, kNow, k, o));
  EXPECT_EQ(*k.common.window.since->instant, kNow - 7 * 86400);
  TopIssuesQuery w;
  ASSERT_TRUE(top_issues_from_params({}, kNow, w, o));
  EXPECT_EQ(w.limit, 10);
  EXPECT_GT(w.iso_week, 0);
  EXPECT_FALSE(w.common.window.since);
  DocsQuery d;
  ASSERT_TRUE(docs_from_params({{"exact", "true"}}, kNow, d, o));
  EXPECT_TRUE(o.exact);
  EXPECT_EQ(d.limit, 20);
  // Values the parser lets through are still checked by the builders before any SQL.
  d.kind = "tweet";
  std::string sql;
  EXPECT_FALSE(build_docs(d, sql));
}

TEST(QueryRequests, TableJsonTypesNumbersAndArrays) {
  Table t{{"name", "n", "share", "tags"}, {"String", "UInt64", "Float64", "Array(String)"}, {{"a\"b", "3", "0.25", "['x','y\\'z']"}}};
  const auto j = table_json(t);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["name"], "a\"b");
  EXPECT_EQ(j[0]["n"], 3);
  EXPECT_DOUBLE_EQ(j[0]["share"].get<double>(), 0.25);
  EXPECT_EQ(j[0]["tags"], (nlohmann::json{"x", "y'z"}));
}

}  // namespace
}  // namespace yuqing::queries
