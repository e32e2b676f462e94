// The sandbox web as data: the default scenario's truth against its own pages, rendered in-process.
#include "sandbox/web.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unicode/ucnv.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/document.h"
#include "sandbox/phrases.h"

namespace yuqing::sandbox {
namespace {

constexpr long kSeed = 20221;

const SandboxWeb& default_web() {
  static const SandboxWeb web = SandboxWeb::generate(load_scenario("configs/scenarios/default.yaml"), kSeed);
  return web;
}

const Origins kOrigins = origins_for("127.0.0.1", 18080);

std::vector<nlohmann::json> truth_lines(const SandboxWeb& web) {
  std::vector<nlohmann::json> out;
  std::istringstream in(web.truth_jsonl(kOrigins));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string gbk_to_utf8(const std::string& gbk) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(gbk.size() * 3 + 16, '\0');
  const int32_t n = ucnv_convert("UTF-8", "GBK", out.data(), int32_t(out.size()), gbk.data(), int32_t(gbk.size()), &status);
  EXPECT_FALSE(U_FAILURE(status)) << u_errorName(status);
  out.resize(size_t(n));
  return out;
}

Request request(const std::string& target, UnixSeconds now) {
  Request r;
  r.host = "sandbox.test";
  r.now = now;
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::istringstream in(target.substr(q + 1));
    for (std::string pair; std::getline(in, pair, '&');) {
      const size_t eq = pair.find('=');
      r.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    }
  }
  return r;
}

std::string unescape_amp(std::string s) {
  for (size_t p = s.find("&amp;"); p != std::string::npos; p = s.find("&amp;", p + 1)) s.replace(p, 5, "&");
  return s;
}

// Values of `attribute="..."` in document order; plain string search, because std::regex is far too
// slow for the multi-megabyte quirk page.
std::vector<std::string> attribute_values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> out;
  const std::string needle = attribute + "=\"";
  for (size_t p = html.find(needle); p != std::string::npos; p = html.find(needle, p + 1)) {
    const size_t start = p + needle.size(), end = html.find('"', start);
    if (end == std::string::npos) break;
    out.push_back(unescape_amp(html.substr(start, end - start)));
  }
  return out;
}

// A minimal crawler over the rendered pages: follows root-relative links and the comment API the
// way docs/SANDBOX.md describes, skips robots-disallowed paths, and records every item it sees as
// (site, page path, item key) -> number of pages it was seen on.
struct Walk {
  std::map<std::tuple<int, std::string, std::string>, int> items;
  std::set<std::string> non_html;
  int redirects = 0;
};

Walk walk(const SandboxWeb& web, UnixSeconds now) {
  const char* seeds[] = {"/portal/news/index.html", "/news/list.html", "/news/index.html", "/lyb/list_1.html", "/forum.php"};
  Walk w;
  std::set<std::string> top_level;
  for (const auto& d : web.documents())
    if (d.item_key.empty()) top_level.insert(std::to_string(d.site) + d.path);
  for (int site = 0; site < 5; ++site) {
    std::deque<std::pair<std::string, std::string>> queue{{seeds[site], ""}};  // target, article that embeds it
    std::set<std::string> seen{seeds[site]};
    auto enqueue = [&](std::string target, const std::string& from) {
      for (const auto& prefix : SandboxWeb::disallowed_prefixes(site))
        if (target.rfind(prefix, 0) == 0) return;
      if (seen.insert(target).second) queue.emplace_back(std::move(target), from);
    };
    while (!queue.empty()) {
      auto [target, embedding_article] = queue.front();
      queue.pop_front();
      const Request r = request(target, now);
      const Page page = web.render(site, r);
      if (page.status == 301 || page.status == 302) {
        ++w.redirects;
        enqueue(page.location.substr(std::string("http://sandbox.test").size()), "");
        continue;
      }
      if (page.status != 200) continue;
      if (page.content_type.find("html") == std::string::npos && page.content_type.find("json") == std::string::npos) {
        if (page.content_type.find("xml") == std::string::npos) w.non_html.insert(target);
        continue;
      }
      if (page.content_type.find("json") != std::string::npos) {
        const auto j = nlohmann::json::parse(page.body);
        for (const auto& c : j["data"]["comments"]) ++w.items[{site, embedding_article, "comment:" + std::to_string(c["id"].get<int>())}];
        if (!j["data"]["next_cursor"].is_null())
          enqueue("/api/comments?article_id=" + std::to_string(j["data"]["article_id"].get<int>()) + "&cursor=" + j["data"]["next_cursor"].get<std::string>(),
                  embedding_article);
        continue;
      }
      const std::string html = site == int(SiteId::news) ? gbk_to_utf8(page.body) : page.body;
      if (top_level.count(std::to_string(site) + r.path)) ++w.items[{site, r.path, ""}];
      for (const auto& id : attribute_values(html, "id")) {
        if (id.rfind("cmt-", 0) == 0) ++w.items[{site, r.path, "comment:" + id.substr(4)}];
        if (id.rfind("post_", 0) == 0) ++w.items[{site, r.path, "post:" + id.substr(5)}];
      }
      if (html.find("class=\"reply-content\"") != std::string::npos) ++w.items[{site, r.path, "reply:1"}];
      for (const auto& link : attribute_values(html, "href"))
        if (link[0] == '/') enqueue(link, "");
      for (const auto& api : attribute_values(html, "data-api")) enqueue(api, r.path);
    }
  }
  return w;
}

TEST(SandboxWeb, SameSeedGivesTheSameBytes) {
  const Scenario sc = load_scenario("configs/scenarios/default.yaml");
  const auto a = SandboxWeb::generate(sc, kSeed), b = SandboxWeb::generate(sc, kSeed);
  EXPECT_EQ(a.truth_jsonl(kOrigins), b.truth_jsonl(kOrigins));
  for (const auto& d : a.documents()) {
    if (!d.item_key.empty()) continue;
    EXPECT_EQ(a.render(d.site, request(d.path, sc.end())).body, b.render(d.site, request(d.path, sc.end())).body) << d.path;
  }
  EXPECT_NE(SandboxWeb::generate(sc, kSeed + 1).truth_jsonl(kOrigins), a.truth_jsonl(kOrigins));
}

// An event with `terms` (tests/bench/latency-alerts.yaml): each of its top-level items names one of
// them, in turn, in its title and first paragraph; the other items name none; and without the terms
// the same seed draws the same web (the terms take no random draw).
TEST(SandboxWeb, IncidentTermsAreInEveryTopLevelItemOfTheirEventAndDrawNothing) {
  Scenario sc = load_scenario("tests/bench/latency-alerts.yaml");
  ASSERT_EQ(sc.events.size(), 1u);
  ASSERT_EQ(sc.events[0].terms, (std::vector<std::string>{"塌陷", "爆炸"}));
  sc.sites = {};  // the event alone keeps the case small
  for (auto& e : sc.events) e.per_day = {20, 20};
  const auto web = SandboxWeb::generate(sc, kSeed);
  std::map<std::string, int> named;
  for (const auto& d : web.documents()) {
    if (d.parent >= 0) continue;
    const bool incident = d.event_id == "incidents";
    for (const char* term : {"塌陷", "爆炸"}) {
      const bool in_title = d.title.find(term) != std::string::npos;
      if (!incident) {
        EXPECT_FALSE(in_title) << d.title;
      }
      if (in_title) {
        ++named[term];
        ASSERT_FALSE(d.paragraphs.empty());
        EXPECT_NE(d.paragraphs[0].find(term), std::string::npos) << d.paragraphs[0];
      }
    }
    if (incident) {
      EXPECT_TRUE(d.title.find("塌陷") != std::string::npos || d.title.find("爆炸") != std::string::npos) << d.title;
    }
  }
  EXPECT_GT(named["塌陷"], 10);
  EXPECT_GT(named["爆炸"], 10);
  Scenario plain = sc;
  plain.events[0].terms.clear();
  const auto without = SandboxWeb::generate(plain, kSeed);
  ASSERT_EQ(without.documents().size(), web.documents().size());
  for (size_t i = 0; i < web.documents().size(); ++i) EXPECT_EQ(without.documents()[i].published_at, web.documents()[i].published_at);
}

// Knuth's method alone stops near 745 for any larger mean (exp(-mean) underflows): a busy site of a
// bench scenario (per_day in the thousands) must still get its volume.
TEST(SandboxRng, PoissonKeepsLargeMeans) {
  Rng rng(kSeed);
  for (const double mean : {3.0, 300.0, 800.0, 3200.0, 9000.0}) {
    double sum = 0;
    const int n = 400;
    for (int i = 0; i < n; ++i) sum += rng.poisson(mean);
    EXPECT_NEAR(sum / n, mean, 5 * std::sqrt(mean / n) + 0.5) << mean;
  }
}

TEST(SandboxWeb, DefaultScenarioServesFiveSitesAndTwoThousandDocuments) {
  const auto started = std::chrono::steady_clock::now();
  const auto web = SandboxWeb::generate(load_scenario("configs/scenarios/default.yaml"), kSeed);
  std::cout << "generation took " << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() << " ms\n";
  const auto truth = truth_lines(web);
  ASSERT_GE(truth.size(), 2000u);
  EXPECT_EQ(truth.size(), web.documents().size());
  std::map<std::string, std::map<std::string, int>> by_site;
  std::set<std::string> ids;
  for (const auto& t : truth) {
    ++by_site[t["site"]][t["kind"]];
    EXPECT_TRUE(ids.insert(t["id"].get<std::string>()).second) << "duplicate id " << t.dump();
  }
  for (const auto& [site, kinds] : by_site) {
    std::cout << site << ":";
    for (const auto& [kind, n] : kinds) std::cout << " " << kind << "=" << n;
    std::cout << "\n";
  }
  ASSERT_EQ(by_site.size(), 5u);
  EXPECT_GT(by_site["district-portal"]["article"], 50);
  EXPECT_GT(by_site["local-news"]["article"], 50);
  EXPECT_GT(by_site["local-news"]["comment"], 300);
  EXPECT_GT(by_site["news-portal"]["comment"], 300);
  EXPECT_GT(by_site["message-board"]["message"], 150);
  EXPECT_GT(by_site["message-board"]["reply"], 100);
  EXPECT_LT(by_site["message-board"]["reply"], by_site["message-board"]["message"]) << "some messages must stay unanswered";
  EXPECT_GT(by_site["forum"]["post"], 300);
}

TEST(SandboxWeb, TruthIdsFollowTheDocumentedRule) {
  const auto& web = default_web();
  const auto truth = truth_lines(web);
  std::set<std::string> ids;
  for (const auto& t : truth) ids.insert(t["id"].get<std::string>());
  for (const auto& t : truth) {
    const std::string url = t["url"], kind = t["kind"];
    std::string key;
    if (kind == "comment" || kind == "post" || kind == "reply") {
      // The item key comes from the markup, so recompute it from the document alone.
      const auto& d = web.documents()[size_t(&t - &truth[0])];
      key = kind == "reply" ? "reply:1" : kind + ":" + std::to_string(d.number);
    }
    EXPECT_EQ(t["id"], make_document_id(url, key)) << t.dump();
    if (!t["parent"].is_null()) {
      EXPECT_TRUE(ids.count(t["parent"].get<std::string>())) << t.dump();
    }
    if (!t["duplicate_of"].is_null()) {
      EXPECT_TRUE(ids.count(t["duplicate_of"].get<std::string>())) << t.dump();
    }
    EXPECT_EQ(url.rfind(kOrigins[size_t(site_index(t["site"]))], 0), 0u) << t.dump();
  }
}

TEST(SandboxWeb, EveryTruthDocumentIsFoundOnceByFollowingLinks) {
  const auto& web = default_web();
  const Walk w = walk(web, web.scenario().end());
  std::set<std::tuple<int, std::string, std::string>> expected;
  for (const auto& d : web.documents()) expected.insert({d.site, d.path, d.item_key});
  size_t missing = 0;
  for (const auto& e : expected) {
    auto it = w.items.find(e);
    if (it == w.items.end()) {
      if (++missing < 10) ADD_FAILURE() << "not reachable: site " << std::get<0>(e) << " " << std::get<1>(e) << " " << std::get<2>(e);
    } else {
      EXPECT_EQ(it->second, 1) << std::get<1>(e) << " " << std::get<2>(e) << " seen on more than one page";
    }
  }
  EXPECT_EQ(missing, 0u);
  for (const auto& [item, n] : w.items)
    EXPECT_TRUE(expected.count(item)) << "served but not in the truth: " << std::get<1>(item) << " " << std::get<2>(item);
  EXPECT_GE(w.redirects, 5 * 2) << "every site has a redirect document and a loop";
  EXPECT_GE(w.non_html.size(), 5u);
}

TEST(SandboxWeb, GbkSiteIsReallyGbkWithTheCharsetOnlyInMeta) {
  const auto& web = default_web();
  int checked = 0, wrong = 0;
  for (const auto& d : web.documents()) {
    if (d.site != int(SiteId::news) || d.kind != "article") continue;
    const Page p = web.render(d.site, request(d.path, web.scenario().end()));
    ASSERT_EQ(p.status, 200);
    EXPECT_EQ(p.content_type, "text/html") << "no charset in the HTTP header";
    EXPECT_EQ(p.body.find(d.title), std::string::npos) << "the UTF-8 bytes of the title must not appear";
    const std::string utf8 = gbk_to_utf8(p.body);
    EXPECT_NE(utf8.find(d.title), std::string::npos) << d.path;
    EXPECT_EQ(utf8.find("\xEF\xBF\xBD"), std::string::npos) << "no U+FFFD after decoding";
    const bool says_utf8 = utf8.find("charset=utf-8") != std::string::npos;
    EXPECT_EQ(says_utf8, d.quirk == "wrong-charset") << d.path;
    wrong += says_utf8;
    ++checked;
  }
  EXPECT_GT(checked, 50);
  EXPECT_GE(wrong, 2);
  // "台儿庄" in GBK.
  const Page list = web.render(int(SiteId::news), request("/news/list.html", web.scenario().end()));
  EXPECT_NE(list.body.find("\xCC\xA8\xB6\xF9\xD7\xAF"), std::string::npos);
}

TEST(SandboxWeb, CommentApiPagesWithACursor) {
  const auto& web = default_web();
  const TruthDoc* article = nullptr;
  for (const auto& d : web.documents())
    if (d.site == int(SiteId::api) && d.kind == "article" && d.children.size() > 5 && (!article || d.children.size() > article->children.size())) article = &d;
  ASSERT_TRUE(article);
  const std::string base = "/api/comments?article_id=" + std::to_string(article->number) + "&limit=3";
  std::vector<int> ids;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const Page p = web.render(int(SiteId::api), request(base + (cursor.empty() ? "" : "&cursor=" + cursor), web.scenario().end()));
    ASSERT_EQ(p.status, 200) << p.body;
    const auto j = nlohmann::json::parse(p.body);
    EXPECT_EQ(j["data"]["total"], article->children.size());
    for (const auto& c : j["data"]["comments"]) ids.push_back(c["id"]);
    if (j["data"]["next_cursor"].is_null()) {
      EXPECT_FALSE(j["data"]["has_more"].get<bool>());
      break;
    }
    cursor = j["data"]["next_cursor"];
  }
  ASSERT_EQ(ids.size(), article->children.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], web.documents()[size_t(article->children[i])].number);
  EXPECT_EQ(web.render(int(SiteId::api), request(base + "&cursor=zz", web.scenario().end())).status, 400);
  EXPECT_EQ(web.render(int(SiteId::api), request("/api/comments?article_id=1", web.scenario().end())).status, 404);
}

TEST(SandboxWeb, FeedsAndSitemapListAbsoluteUrls) {
  const auto& web = default_web();
  const Page rss = web.render(int(SiteId::api), request("/rss.xml", web.scenario().end()));
  EXPECT_EQ(rss.content_type, "application/rss+xml; charset=utf-8");
  EXPECT_NE(rss.body.find("<link>http://sandbox.test/a/"), std::string::npos);
  const Page sitemap = web.render(int(SiteId::portal), request("/sitemap.xml", web.scenario().end()));
  size_t urls = 0;
  for (size_t p = sitemap.body.find("<loc>http://sandbox.test/portal/"); p != std::string::npos; p = sitemap.body.find("<loc>", p + 1)) ++urls;
  size_t portal_docs = 0;
  for (const auto& d : web.documents()) portal_docs += d.site == int(SiteId::portal);
  EXPECT_EQ(urls, portal_docs);
  const Page robots = web.render(int(SiteId::portal), request("/robots.txt", web.scenario().end()));
  EXPECT_NE(robots.body.find("Crawl-delay: 0.1"), std::string::npos);
  EXPECT_NE(robots.body.find("Disallow: /portal/admin/"), std::string::npos);
  EXPECT_NE(robots.body.find("Sitemap: http://sandbox.test/sitemap.xml"), std::string::npos);
  EXPECT_NE(robots.body.find("Sitemap: http://sandbox.test/sitemap-news.xml.gz"), std::string::npos);
}

TEST(SandboxWeb, NewsSitemapIsAGzipFileOfTheLastTwoDaysNews) {
  const auto& web = default_web();
  const Page gz = web.render(int(SiteId::portal), request("/sitemap-news.xml.gz", web.scenario().end()));
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.content_type, "application/x-gzip");
  ASSERT_GE(gz.body.size(), 2u);
  EXPECT_EQ(gz.body.substr(0, 2), "\x1f\x8b");
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  std::string xml(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.body.data()));
  z.avail_in = uInt(gz.body.size());
  z.next_out = reinterpret_cast<Bytef*>(xml.data());
  z.avail_out = uInt(xml.size());
  ASSERT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  xml.resize(z.total_out);
  inflateEnd(&z);
  EXPECT_NE(xml.find("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""), std::string::npos);
  std::set<std::string> want;
  for (const auto& d : web.documents())
    if (d.site == int(SiteId::portal) && d.subtype == "news" && d.published_at >= web.scenario().end() - 2 * 86400)
      want.insert("http://sandbox.test" + d.path);
  std::set<std::string> got;
  for (size_t p = xml.find("<loc>"); p != std::string::npos; p = xml.find("<loc>", p + 1))
    got.insert(xml.substr(p + 5, xml.find("</loc>", p) - p - 5));
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(got, want);
  // Byte-stable like every other page (ETag and the seed's promise).
  EXPECT_EQ(web.render(int(SiteId::portal), request("/sitemap-news.xml.gz", web.scenario().end())).body, gz.body);
}

TEST(SandboxWeb, GradualReleaseShowsOnlyPublishedItems) {
  const auto& web = default_web();
  const UnixSeconds week1 = web.scenario().start + 7 * 86400;
  const Walk early = walk(web, week1);
  size_t expected = 0;
  for (const auto& d : web.documents()) expected += d.published_at <= week1;
  EXPECT_EQ(early.items.size(), expected);
  EXPECT_LT(expected, web.documents().size() / 3);
  for (const auto& d : web.documents()) {
    if (d.item_key.empty() && d.published_at > week1) {
      EXPECT_EQ(web.render(d.site, request(d.path, week1)).status, 404) << d.path;
      break;
    }
  }
}

TEST(SandboxWeb, CoversEveryIssuePlaceIntentAndTaxonomyCategory) {
  const auto truth = truth_lines(default_web());
  std::set<std::string> issues, places, intents, categories;
  for (const auto& t : truth) {
    issues.insert(t["issue"].get<std::string>());
    places.insert(t["place"].get<std::string>());
    intents.insert(t["intent"].get<std::string>());
    categories.insert(t["category"].get<std::string>());
  }
  const YAML::Node issue_file = YAML::LoadFile("configs/issues.yaml");
  for (const auto& issue : issue_file["issues"]) EXPECT_TRUE(issues.count(issue["name"].as<std::string>())) << issue["name"].as<std::string>();
  EXPECT_EQ(issues.size(), issue_file["issues"].size());
  const YAML::Node place_file = YAML::LoadFile("configs/places.yaml");
  for (const auto& place : place_file["places"]) EXPECT_TRUE(places.count(place.first.as<std::string>())) << place.first.as<std::string>();
  EXPECT_EQ(places.size(), place_file["places"].size());
  EXPECT_EQ(intents, (std::set<std::string>{"complaint", "inquiry", "suggestion", "praise", "news"}));

  // The taxonomy the product uses (configs/taxonomy.yaml; tests/unit/processors checks its names
  // against the standard classification in the shared data when that is present).
  const YAML::Node taxonomy = YAML::LoadFile("configs/taxonomy.yaml");
  std::set<std::string> level1;
  for (const auto& c : taxonomy["level1"]) level1.insert(c.first.as<std::string>());
  ASSERT_EQ(level1.size(), 15u);
  for (const auto& c : categories) EXPECT_TRUE(level1.count(c)) << c << " is not a level-1 category";
}

TEST(SandboxWeb, TextIsVariedAndHasEmojiEmoticonsAndTraditionalCharacters) {
  const auto& web = default_web();
  std::set<std::string> comment_texts;
  size_t comments = 0, emoticons = 0, emoji = 0, traditional = 0;
  for (const auto& d : web.documents()) {
    if (d.kind != "comment") continue;
    ++comments;
    comment_texts.insert(d.paragraphs[0]);
    emoticons += d.paragraphs[0].find("[怒]") != std::string::npos || d.paragraphs[0].find("[赞]") != std::string::npos;
    emoji += d.paragraphs[0].find("\xF0\x9F") != std::string::npos;
    traditional += d.paragraphs[0].find("這") != std::string::npos || d.paragraphs[0].find("們") != std::string::npos ||
                   d.paragraphs[0].find("說") != std::string::npos || d.paragraphs[0].find("問") != std::string::npos;
  }
  EXPECT_GT(comment_texts.size(), comments / 3) << "comments repeat too often";
  EXPECT_GT(emoticons, 20u);
  EXPECT_GT(emoji, 20u);
  EXPECT_GT(traditional, 5u);
}

}  // namespace
}  // namespace yuqing::sandbox
