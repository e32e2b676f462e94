#include "sandbox/web.h"

#include <gtest/gtest.h>

#include <set>

namespace yuqing::sandbox {

TEST(SandboxWeb, SameSeedGivesTheSameBytes) {
  SandboxOptions o;
  const auto a = SandboxWeb::generate(o), b = SandboxWeb::generate(o);
  EXPECT_EQ(a.truth_jsonl("http://h"), b.truth_jsonl("http://h"));
  EXPECT_EQ(a.page("/portal/news/index.html")->body, b.page("/portal/news/index.html")->body);
  o.seed += 1;
  EXPECT_NE(SandboxWeb::generate(o).truth_jsonl("http://h"), a.truth_jsonl("http://h"));
}

TEST(SandboxWeb, EveryDocumentIsServedAndListed) {
  SandboxOptions o;
  o.articles = 25;
  const auto web = SandboxWeb::generate(o);
  ASSERT_EQ(web.documents().size(), 25u);
  std::set<std::string> listed;
  for (const char* list : {"/portal/news/index.html", "/portal/news/index_1.html", "/portal/news/index_2.html"}) {
    auto page = web.page(list);
    ASSERT_TRUE(page) << list;
    for (const auto& d : web.documents())
      if (page->body.find("href=\"" + d.path + "\"") != std::string::npos) listed.insert(d.path);
  }
  EXPECT_FALSE(web.page("/portal/news/index_3.html"));
  for (const auto& d : web.documents()) {
    auto page = web.page(d.path);
    ASSERT_TRUE(page) << d.path;
    EXPECT_NE(page->body.find(d.title), std::string::npos);
    EXPECT_TRUE(listed.count(d.path)) << d.path << " is not linked from any list page";
  }
}

}  // namespace yuqing::sandbox
