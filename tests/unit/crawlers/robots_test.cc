// RobotsRules against RFC 9309 section by section, then against the examples on Google's
// "How Google interprets the robots.txt specification" page. Section numbers are RFC 9309's.
#include "crawlers/robots.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace yuqing::crawlers {
namespace {

constexpr std::string_view kYuqing = "yuqing/0.1 (+https://example.org/yuqing-bot)";

bool allowed(std::string_view robots_txt, std::string_view url, std::string_view agent = kYuqing) {
  return RobotsRules::parse(robots_txt).allowed(agent, url);
}

// Disallows `pattern` for every crawler, so a URL is blocked exactly when the pattern matches it.
void expect_pattern(const std::string& pattern, const std::vector<std::string_view>& matching,
                    const std::vector<std::string_view>& not_matching) {
  const auto rules = RobotsRules::parse("user-agent: *\ndisallow: " + pattern + "\n");
  for (const auto url : matching) {
    EXPECT_FALSE(rules.allowed(kYuqing, url)) << "pattern " << pattern << " should match " << url;
  }
  for (const auto url : not_matching) {
    EXPECT_TRUE(rules.allowed(kYuqing, url)) << "pattern " << pattern << " should not match " << url;
  }
}

// `bytes` bytes of comment lines, so a test can put a line at an exact offset.
std::string comment_padding(std::size_t bytes) {
  std::string out;
  while (bytes > 0) {
    const std::size_t n = std::min<std::size_t>(bytes, 1000);
    out += n == 1 ? std::string("\n") : "#" + std::string(n - 2, 'x') + "\n";
    bytes -= n;
  }
  return out;
}

// §2.1 and §2.2 formal syntax; Google's "File format" and "Syntax".

TEST(RobotsRulesSyntax, EmptyFileAllowsEverything) {
  EXPECT_TRUE(allowed("", "http://example.com/"));
  EXPECT_TRUE(allowed("", "http://example.com/any/path?q=1"));
  EXPECT_TRUE(allowed("\n\n\r\n", "/private"));
}

TEST(RobotsRulesSyntax, FieldNamesAreCaseInsensitive) {
  for (const std::string_view robots : {"USER-AGENT: yuqing\nALLOW: /x/\nDISALLOW: /\n",
                                        "user-agent: yuqing\nallow: /x/\ndisallow: /\n",
                                        "uSeR-aGeNt: yuqing\nAlLoW: /x/\ndIsAlLoW: /\n"}) {
    EXPECT_TRUE(allowed(robots, "http://foo.bar/x/y")) << robots;
    EXPECT_FALSE(allowed(robots, "http://foo.bar/a/b")) << robots;
  }
}

TEST(RobotsRulesSyntax, WhitespaceAroundColonIsOptional) {
  EXPECT_FALSE(allowed("user-agent:yuqing\ndisallow:/x\n", "/x"));
  EXPECT_FALSE(allowed("user-agent :yuqing\ndisallow\t:\t/x\n", "/x"));
  EXPECT_FALSE(allowed("   user-agent:   yuqing   \n\t disallow:   /x   \n", "/x"));
  EXPECT_TRUE(allowed("user-agent:yuqing\ndisallow:/x\n", "/y"));
}

TEST(RobotsRulesSyntax, ForgottenColonIsAcceptedOnTwoWordLines) {
  EXPECT_FALSE(allowed("user-agent yuqing\ndisallow /\n", "http://foo.bar/x/y"));
  EXPECT_FALSE(allowed("user-agent\tyuqing\ndisallow\t/x\n", "/x/y"));
  // With more than two words the line cannot be read, so no rule is made.
  EXPECT_TRUE(allowed("user-agent yuqing\ndisallow / now\n", "/x"));
}

TEST(RobotsRulesSyntax, LinesEndWithLfCrOrCrLf) {
  for (const std::string_view robots : {
           "user-agent: a\ndisallow: /x\nuser-agent: b\n\n\ndisallow: /\n",
           "user-agent: a\r\ndisallow: /x\r\nuser-agent: b\r\n\r\n\r\ndisallow: /\r\n",
           "user-agent: a\rdisallow: /x\ruser-agent: b\r\r\rdisallow: /\r",
           "user-agent: a\ndisallow: /x\r\nuser-agent: b\r\r\ndisallow: /",
       }) {
    const auto rules = RobotsRules::parse(robots);
    EXPECT_FALSE(rules.allowed("a", "/x")) << robots;
    EXPECT_TRUE(rules.allowed("a", "/y")) << robots;
    EXPECT_FALSE(rules.allowed("b", "/y")) << robots;
  }
}

TEST(RobotsRulesSyntax, LastLineNeedsNoLineEnd) {
  EXPECT_FALSE(allowed("user-agent: *\ndisallow: /x", "/x"));
  EXPECT_TRUE(allowed("user-agent: *\ndisallow: /x", "/y"));
}

TEST(RobotsRulesSyntax, Utf8ByteOrderMarkIsSkipped) {
  EXPECT_FALSE(allowed("\xEF\xBB\xBFuser-agent: *\ndisallow: /x\n", "/x"));
  // Google skips a truncated mark too.
  EXPECT_FALSE(allowed("\xEF\xBBuser-agent: *\ndisallow: /x\n", "/x"));
  EXPECT_FALSE(allowed("\xEFuser-agent: *\ndisallow: /x\n", "/x"));
}

TEST(RobotsRulesSyntax, ByteOrderMarkAnywhereElseSpoilsItsLine) {
  // A broken mark makes the user-agent line junk, leaving the rule outside any group.
  EXPECT_TRUE(allowed("\xEF\x11\xBFuser-agent: *\ndisallow: /x\n", "/x"));
  EXPECT_TRUE(allowed("user-agent: *\n\xEF\xBB\xBF"
                      "disallow: /x\n",
                      "/x"));
}

TEST(RobotsRulesSyntax, CommentsAreIgnored) {
  const std::string_view robots =
      "# Disallow: /\n"
      "user-agent: yuqing # our crawler\n"
      "disallow: /foo/quz#qux\n"
      "   # indented comment\n"
      "allow: /\n";
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar"));
  EXPECT_FALSE(allowed(robots, "http://foo.bar/foo/quz"));
  EXPECT_FALSE(allowed(robots, "http://foo.bar/foo/quzzle"));
}

TEST(RobotsRulesSyntax, UnknownFieldsAreIgnored) {
  EXPECT_TRUE(allowed("foo: yuqing\nbar: /\n", "http://foo.bar/x/y"));
  EXPECT_FALSE(allowed("user-agent: yuqing\nnoindex: /x\nhost: example.com\ndisallow: /\n", "/x/y"));
}

TEST(RobotsRulesSyntax, UnreadableLinesAreSkippedAndTheRestIsUsed) {
  // §2.3.1.5; Google: "if the content downloaded is HTML instead of robots.txt rules, Google
  // will try to parse the content and extract rules, and ignore everything else".
  const std::string_view robots =
      "<!DOCTYPE html>\n<html><body>\n"
      "<p>Disallow: /</p>\n"
      "user-agent: *\n"
      "disallow: /private\n"
      ":/nokey\n"
      "</body></html>\n";
  EXPECT_FALSE(allowed(robots, "/private/x"));
  EXPECT_TRUE(allowed(robots, "/"));
  EXPECT_TRUE(allowed(robots, "/nokey"));
}

TEST(RobotsRulesSyntax, CommonMisspellingsAreRead) {
  EXPECT_FALSE(allowed("useragent: yuqing\ndisalow: /a\n", "/a"));
  EXPECT_FALSE(allowed("user agent: yuqing\ndissallow: /a\n", "/a"));
  EXPECT_FALSE(allowed("user-agent: yuqing\ndissalow: /a\ndiasllow: /b\ndisallaw: /c\n", "/c"));
}

TEST(RobotsRulesSyntax, ArbitraryBytesNeverThrowAndNeverBlockRobotsTxt) {
  static constexpr std::string_view kPieces[] = {
      "user-agent", "allow", "disallow", "sitemap", "crawl-delay", ":", " ", "\t", "\n",
      "\r", "#", "*", "$", "%", "%4", "%zz", "%E3", "/", "?", "yuqing", "\xE3\x83\x84",
      "\xFF", std::string_view("\0", 1), "\xEF\xBB\xBF", "1e999", "-"};
  std::uint32_t seed = 12345;
  const auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (int doc = 0; doc < 300; ++doc) {
    std::string robots;
    const auto pieces = next() % 400;
    for (std::uint32_t i = 0; i < pieces; ++i) robots += kPieces[(next() >> 8) % std::size(kPieces)];
    ASSERT_NO_THROW({
      const auto rules = RobotsRules::parse(robots);
      EXPECT_TRUE(rules.allowed(kYuqing, "/robots.txt")) << robots;
      rules.allowed(kYuqing, robots);
      rules.allowed(robots, "/a/b?c=%zz");
      rules.crawl_delay(robots);
    });
  }
}

// §2.1 groups.

TEST(RobotsRulesGroups, RulesBeforeTheFirstUserAgentAreIgnored) {
  const std::string_view robots = "disallow: /\nallow: /c\n\nuser-agent: *\ndisallow: /c\n";
  EXPECT_TRUE(allowed(robots, "/a"));
  EXPECT_FALSE(allowed(robots, "/c"));
}

TEST(RobotsRulesGroups, ConsecutiveUserAgentLinesShareOneGroup) {
  const auto rules = RobotsRules::parse("user-agent: barbot\nuser-agent: bazbot\ndisallow: /p\n");
  EXPECT_FALSE(rules.allowed("barbot", "/p"));
  EXPECT_FALSE(rules.allowed("bazbot", "/p"));
  EXPECT_TRUE(rules.allowed("quxbot", "/p"));
}

TEST(RobotsRulesGroups, UserAgentLineAfterRulesStartsANewGroup) {
  const auto rules = RobotsRules::parse("user-agent: a\ndisallow: /c\nuser-agent: b\ndisallow: /d\n");
  EXPECT_FALSE(rules.allowed("a", "/c"));
  EXPECT_TRUE(rules.allowed("a", "/d"));
  EXPECT_FALSE(rules.allowed("b", "/d"));
  EXPECT_TRUE(rules.allowed("b", "/c"));
}

TEST(RobotsRulesGroups, BlankLinesAndCommentsDoNotSplitUserAgentLines) {
  // The ABNF allows empty lines among a group's start lines.
  for (const std::string_view robots : {"user-agent: a\n\n\nuser-agent: b\ndisallow: /\n",
                                        "user-agent: a\n# and also\nuser-agent: b\ndisallow: /\n"}) {
    const auto rules = RobotsRules::parse(robots);
    EXPECT_FALSE(rules.allowed("a", "/x")) << robots;
    EXPECT_FALSE(rules.allowed("b", "/x")) << robots;
  }
}

TEST(RobotsRulesGroups, OtherRecordsDoNotSplitUserAgentLines) {
  // Google's example: the sitemap line is ignored, so a and b form one group (§2.2.4: a
  // sitemap record MUST NOT terminate a group). Unknown lines are ignored the same way.
  for (const std::string_view robots :
       {"user-agent: a\nsitemap: https://example.com/sitemap.xml\n\nuser-agent: b\ndisallow: /\n",
        "user-agent: a\nnoindex: /x\nuser-agent: b\ndisallow: /\n"}) {
    const auto rules = RobotsRules::parse(robots);
    EXPECT_FALSE(rules.allowed("a", "/x")) << robots;
    EXPECT_FALSE(rules.allowed("b", "/x")) << robots;
  }
}

TEST(RobotsRulesGroups, EmptyDisallowStillEndsTheUserAgentLines) {
  const auto rules = RobotsRules::parse("user-agent: a\ndisallow:\nuser-agent: b\ndisallow: /\n");
  EXPECT_TRUE(rules.allowed("a", "/x"));
  EXPECT_FALSE(rules.allowed("b", "/x"));
}

TEST(RobotsRulesGroups, LastGroupWithoutRulesAllowsEverything) {
  const auto rules = RobotsRules::parse("user-agent: *\ndisallow: /\n\nuser-agent: quxbot\n");
  EXPECT_TRUE(rules.allowed("quxbot", "/"));
  EXPECT_TRUE(rules.allowed("quxbot", "/any/thing"));
  EXPECT_FALSE(rules.allowed("otherbot", "/"));
}

TEST(RobotsRulesGroups, GroupsNamingTheSameAgentAreMerged) {
  // §2.2.1's table: the two ExampleBot groups act as one with all three rules.
  const auto rules = RobotsRules::parse(
      "user-agent: ExampleBot\ndisallow: /foo\ndisallow: /bar\n\n"
      "user-agent: ExampleBot\ndisallow: /baz\n");
  for (const auto path : {"/foo", "/bar", "/baz"}) EXPECT_FALSE(rules.allowed("ExampleBot", path)) << path;
  EXPECT_TRUE(rules.allowed("ExampleBot", "/qux"));
}

TEST(RobotsRulesGroups, MixedGroupLayout) {
  // Cases from google/robotstxt's group test: stray rules, merged groups, a rule-less group
  // that shares the rules of the group after it.
  const std::string_view robots =
      "allow: /foo/bar/\n"
      "\n"
      "user-agent: FooBot\n"
      "disallow: /\n"
      "allow: /x/\n"
      "user-agent: BarBot\n"
      "disallow: /\n"
      "allow: /y/\n"
      "\n"
      "\n"
      "allow: /w/\n"
      "user-agent: BazBot\n"
      "\n"
      "user-agent: FooBot\n"
      "allow: /z/\n"
      "disallow: /\n";
  const auto rules = RobotsRules::parse(robots);
  EXPECT_TRUE(rules.allowed("FooBot", "http://foo.bar/x/b"));
  EXPECT_TRUE(rules.allowed("FooBot", "http://foo.bar/z/d"));
  EXPECT_FALSE(rules.allowed("FooBot", "http://foo.bar/y/c"));
  EXPECT_TRUE(rules.allowed("BarBot", "http://foo.bar/y/c"));
  EXPECT_TRUE(rules.allowed("BarBot", "http://foo.bar/w/a"));
  EXPECT_FALSE(rules.allowed("BarBot", "http://foo.bar/z/d"));
  EXPECT_TRUE(rules.allowed("BazBot", "http://foo.bar/z/d"));
  for (const auto bot : {"FooBot", "BarBot", "BazBot"}) {
    EXPECT_FALSE(rules.allowed(bot, "http://foo.bar/foo/bar/")) << bot;
  }
}

TEST(RobotsRulesGroups, GoogleGroupingExample) {
  const auto rules = RobotsRules::parse(
      "user-agent: a\ndisallow: /c\n\n"
      "user-agent: b\ndisallow: /d\n\n"
      "user-agent: e\nuser-agent: f\ndisallow: /g\n\n"
      "user-agent: h\n");
  EXPECT_FALSE(rules.allowed("a", "/c"));
  EXPECT_TRUE(rules.allowed("a", "/d"));
  EXPECT_FALSE(rules.allowed("b", "/d"));
  EXPECT_TRUE(rules.allowed("b", "/c"));
  EXPECT_FALSE(rules.allowed("e", "/g"));
  EXPECT_FALSE(rules.allowed("f", "/g"));
  EXPECT_TRUE(rules.allowed("f", "/c"));
  for (const auto path : {"/c", "/d", "/g"}) EXPECT_TRUE(rules.allowed("h", path)) << path;
}

// §2.2.1 the user-agent line.

TEST(RobotsRulesUserAgent, ProductTokenIsReadFromTheFullUserAgentString) {
  const std::string_view robots = "user-agent: *\ndisallow: /\nuser-agent: yuqing\nallow: /\n";
  EXPECT_TRUE(allowed(robots, "/page", "yuqing/0.1 (+https://example.org/yuqing-bot)"));
  EXPECT_TRUE(allowed(robots, "/page", "  yuqing"));
  EXPECT_FALSE(allowed(robots, "/page", "curl/8.0"));
}

TEST(RobotsRulesUserAgent, MatchingIsCaseInsensitive) {
  for (const std::string_view line : {"User-Agent: YUQING", "User-Agent: yuqing", "User-Agent: YuQiNg"}) {
    const auto rules = RobotsRules::parse(std::string(line) + "\nAllow: /x/\nDisallow: /\n");
    for (const auto agent : {"yuqing/0.1", "YUQING/0.1", "Yuqing"}) {
      EXPECT_TRUE(rules.allowed(agent, "http://foo.bar/x/y")) << line << " / " << agent;
      EXPECT_FALSE(rules.allowed(agent, "http://foo.bar/a/b")) << line << " / " << agent;
    }
  }
}

TEST(RobotsRulesUserAgent, VersionAndWildcardSuffixesOnTheLineAreIgnored) {
  // Google: "both googlebot/1.2 and googlebot* are equivalent to googlebot".
  const auto rules = RobotsRules::parse(
      "user-agent: *\ndisallow: /c\n\n"
      "user-agent: yuqing/2.0\ndisallow: /a\n\n"
      "user-agent: yuqing*\ndisallow: /b\n");
  EXPECT_FALSE(rules.allowed(kYuqing, "/a"));
  EXPECT_FALSE(rules.allowed(kYuqing, "/b"));
  EXPECT_TRUE(rules.allowed(kYuqing, "/c"));
}

TEST(RobotsRulesUserAgent, ExtraWordsOnTheLineAreIgnored) {
  // Spaces are not allowed in a token; Google reads "Foo Bar" as "Foo".
  const auto rules = RobotsRules::parse(
      "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n");
  EXPECT_TRUE(rules.allowed("Foo", "http://foo.bar/x/y"));
  EXPECT_FALSE(rules.allowed("Bar", "http://foo.bar/x/y"));
}

TEST(RobotsRulesUserAgent, CrawlerAgentIsItsNameUpToTheFirstSlash) {
  // RFC 9110 §10.1.5: product = token ["/" product-version]. google/robotstxt's
  // GoogleOnly_AcceptUserAgentUpToFirstSpace: the line "Foo Bar" names Foo, but a crawler calling
  // itself "Foo Bar" is not a valid agent and gets the "*" group.
  const std::string_view robots = "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n";
  struct Case {
    const char* agent;
    bool allowed;
  } cases[] = {{"Foo", true}, {"foo/1.2 (+https://foo.example)", true}, {" Foo ", true},
               {"Foo Bar", false}, {"Foo_Bar", false}, {"Foo*", false}};
  for (const auto& c : cases) EXPECT_EQ(allowed(robots, "http://foo.bar/x/y", c.agent), c.allowed) << c.agent;
}

TEST(RobotsRulesUserAgent, TokensMustMatchWhole) {
  const auto rules = RobotsRules::parse(
      "user-agent: yuqingbot\ndisallow: /a\n"
      "user-agent: yuq\ndisallow: /b\n"
      "user-agent: yuqing-news\ndisallow: /c\n"
      "user-agent: *\ndisallow: /d\n");
  for (const auto path : {"/a", "/b", "/c"}) EXPECT_TRUE(rules.allowed(kYuqing, path)) << path;
  EXPECT_FALSE(rules.allowed(kYuqing, "/d"));
}

TEST(RobotsRulesUserAgent, StarGroupAppliesWhenNoGroupNamesTheCrawler) {
  // §2.2.1's second table.
  const auto rules = RobotsRules::parse(
      "user-agent: *\ndisallow: /foo\ndisallow: /bar\n\nuser-agent: BazBot\ndisallow: /baz\n");
  EXPECT_FALSE(rules.allowed("ExampleBot", "/foo"));
  EXPECT_FALSE(rules.allowed("ExampleBot", "/bar"));
  EXPECT_TRUE(rules.allowed("ExampleBot", "/baz"));
}

TEST(RobotsRulesUserAgent, NamedGroupReplacesStarGroup) {
  // "User agent specific groups and global groups (*) are not combined."
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /x/\nUser-agent: yuqing\nDisallow: /y/\n");
  EXPECT_TRUE(rules.allowed(kYuqing, "http://foo.bar/x/page"));
  EXPECT_FALSE(rules.allowed(kYuqing, "http://foo.bar/y/page"));
  EXPECT_FALSE(rules.allowed("otherbot", "http://foo.bar/x/page"));
}

TEST(RobotsRulesUserAgent, NamedGroupWinsWhereverItIs) {
  const std::string_view robots = "user-agent: yuqing\nallow: /\n\nuser-agent: *\ndisallow: /\n";
  EXPECT_TRUE(allowed(robots, "/x"));
  EXPECT_FALSE(allowed(robots, "/x", "otherbot"));
}

TEST(RobotsRulesUserAgent, NoMatchingGroupAndNoStarGroupMeansNoRules) {
  const std::string_view robots =
      "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n";
  EXPECT_TRUE(allowed(robots, "http://foo.bar/x/y", "QuxBot"));
  EXPECT_FALSE(allowed(robots, "http://foo.bar/x/y", "BarBot"));
}

TEST(RobotsRulesUserAgent, StarGroupsAreMergedWithEachOther) {
  const std::string_view robots =
      "user-agent: *\ndisallow: /a\nuser-agent: b\ndisallow: /\nuser-agent: *\ndisallow: /c\n";
  EXPECT_FALSE(allowed(robots, "/a"));
  EXPECT_FALSE(allowed(robots, "/c"));
  EXPECT_TRUE(allowed(robots, "/b"));
}

TEST(RobotsRulesUserAgent, StarFollowedByWordsIsStillEveryone) {
  EXPECT_FALSE(allowed("user-agent: * everyone else\ndisallow: /x\n", "/x"));
  // "*bot" is neither "*" nor a token, so the group names no one.
  EXPECT_TRUE(allowed("user-agent: *bot\ndisallow: /x\n", "/x"));
}

TEST(RobotsRulesUserAgent, GroupNamingStarAndACrawlerServesBoth) {
  const std::string_view robots =
      "user-agent: *\nuser-agent: yuqing\ndisallow: /x\nuser-agent: other\ndisallow: /y\n";
  EXPECT_FALSE(allowed(robots, "/x"));
  EXPECT_FALSE(allowed(robots, "/x", "somebot"));
  EXPECT_TRUE(allowed(robots, "/x", "other"));
}

TEST(RobotsRulesUserAgent, CrawlerWithoutProductTokenGetsTheStarGroup) {
  const std::string_view robots = "user-agent: *\ndisallow: /x\nuser-agent: yuqing\ndisallow: /y\n";
  for (const auto agent : {"", "   ", "/1.0", "ツbot"}) {
    EXPECT_FALSE(allowed(robots, "/x", agent)) << '"' << agent << '"';
    EXPECT_TRUE(allowed(robots, "/y", agent)) << '"' << agent << '"';
  }
}

TEST(RobotsRulesUserAgent, LineWithoutValidTokenNamesNoOne) {
  const std::string_view robots = "user-agent: ツ\ndisallow: /\nuser-agent: *\ndisallow: /x\n";
  EXPECT_TRUE(allowed(robots, "/a"));
  EXPECT_FALSE(allowed(robots, "/x"));
  EXPECT_TRUE(allowed("user-agent:\ndisallow: /\n", "/a"));
}

TEST(RobotsRulesUserAgent, GoogleUserAgentPrecedenceExample) {
  // Each group blocks its own path, so the blocked path shows which group a crawler obeyed.
  const auto rules = RobotsRules::parse(
      "user-agent: googlebot-news\ndisallow: /group1\n\n"
      "user-agent: *\ndisallow: /group2\n\n"
      "user-agent: googlebot\ndisallow: /group3\n");
  const auto obeyed = [&rules](std::string_view agent) {
    std::string groups;
    for (const auto path : {"/group1", "/group2", "/group3"}) {
      if (!rules.allowed(agent, path)) groups += path;
    }
    return groups;
  };
  EXPECT_EQ(obeyed("Googlebot-News/1.0"), "/group1");
  EXPECT_EQ(obeyed("Googlebot/2.1 (+http://www.google.com/bot.html)"), "/group3");
  EXPECT_EQ(obeyed("Storebot-Google/1.0"), "/group2");
  EXPECT_EQ(obeyed("Otherbot/1.0"), "/group2");
}

TEST(RobotsRulesUserAgent, GoogleGroupingOfRulesExample) {
  const auto rules = RobotsRules::parse(
      "user-agent: googlebot-news\ndisallow: /fish\n\n"
      "user-agent: *\ndisallow: /carrots\n\n"
      "user-agent: googlebot-news\ndisallow: /shrimp\n");
  EXPECT_FALSE(rules.allowed("googlebot-news", "/fish"));
  EXPECT_FALSE(rules.allowed("googlebot-news", "/shrimp"));
  EXPECT_TRUE(rules.allowed("googlebot-news", "/carrots"));
  EXPECT_FALSE(rules.allowed("otherbot", "/carrots"));
  EXPECT_TRUE(rules.allowed("otherbot", "/fish"));
}

// §2.2.2 the allow and disallow lines.

TEST(RobotsRulesMatching, MatchingIsCaseSensitive) {
  EXPECT_FALSE(allowed("user-agent: yuqing\ndisallow: /x/\n", "http://foo.bar/x/y"));
  EXPECT_TRUE(allowed("user-agent: yuqing\ndisallow: /X/\n", "http://foo.bar/x/y"));
}

TEST(RobotsRulesMatching, MatchStartsAtTheFirstOctetOfThePath) {
  expect_pattern("/fish", {"/fish", "/fish/x"}, {"/desert/fish", "/catfish", "/x/fish/"});
}

TEST(RobotsRulesMatching, QueryIsPartOfThePath) {
  expect_pattern("/search?q=", {"/search?q=abc", "/search?q="}, {"/search", "/search?x=1&q=2"});
  expect_pattern("/*?", {"/a?b", "/?"}, {"/a", "/a/b"});
}

TEST(RobotsRulesMatching, FragmentIsNotPartOfThePath) {
  expect_pattern("/a$", {"http://example.com/a#top", "/a#"}, {"/a?#b"});
}

TEST(RobotsRulesMatching, EmptyUrlPathIsTheRoot) {
  expect_pattern("/$", {"http://example.com", "http://example.com/", "https://example.com:8443#x"},
                 {"http://example.com/a", "http://example.com?q=1"});
  expect_pattern("/?", {"http://example.com?q=1"}, {"http://example.com"});
}

TEST(RobotsRulesMatching, UrlFormsReduceToTheirPath) {
  expect_pattern("/a/b",
                 {"http://example.com/a/b", "HTTPS://EXAMPLE.COM:8443/a/b?x",
                  "https://user:pw@example.com/a/b", "//example.com/a/b", "/a/b#frag",
                  "ftp://example.com/a/bc", "example.com/a/b"},
                 {"http://example.com/a", "http://example.com/x?next=/a/b", "/x?u=http://example.com/a/b",
                  "http://example.com/A/B"});
}

TEST(RobotsRulesMatching, EmptyDisallowAllowsEverything) {
  EXPECT_TRUE(allowed("user-agent: *\ndisallow:\n", "/"));
  EXPECT_TRUE(allowed("user-agent: *\ndisallow:   \n", "/any/thing"));
  // It allows what no other rule forbids; it does not cancel the other rules.
  const std::string_view robots = "user-agent: *\ndisallow: /private/\ndisallow:\n";
  EXPECT_FALSE(allowed(robots, "/private/page.html"));
  EXPECT_TRUE(allowed(robots, "/public"));
}

TEST(RobotsRulesMatching, EmptyAllowIsNoRule) {
  EXPECT_FALSE(allowed("user-agent: *\ndisallow: /\nallow:\n", "/x"));
}

TEST(RobotsRulesMatching, NoMatchingRuleMeansAllowed) {
  EXPECT_TRUE(allowed("user-agent: *\ndisallow: /a\nallow: /b\n", "/c"));
}

TEST(RobotsRulesMatching, PatternNotStartingWithSlashIsRooted) {
  // Google documented "fish/" as equivalent to "/fish/".
  expect_pattern("fish/", {"/fish/", "/fish/salmon.html"}, {"/fish", "/catfish/", "/animals/fish/"});
  expect_pattern("private", {"/private", "/private/x"}, {"/x/private"});
}

TEST(RobotsRulesMatching, PatternStartingWithStarIsNotRooted) {
  expect_pattern("*.gif$", {"/a.gif", "/a/b/c.gif"}, {"/a.gif?x", "/gif", "/a.GIF"});
}

// §2.2.2 "the most specific match found MUST be used".

TEST(RobotsRulesPrecedence, LongestMatchWins) {
  const std::string url = "http://foo.bar/x/page.html";
  EXPECT_FALSE(allowed("user-agent: yuqing\ndisallow: /x/page.html\nallow: /x/\n", url));
  EXPECT_TRUE(allowed("user-agent: yuqing\nallow: /x/page.html\ndisallow: /x/\n", url));
  EXPECT_FALSE(allowed("user-agent: yuqing\nallow: /x/page.html\ndisallow: /x/\n", "http://foo.bar/x/"));
}

TEST(RobotsRulesPrecedence, AllowWinsEqualMatches) {
  const std::string url = "http://foo.bar/x/page.html";
  EXPECT_TRUE(allowed("user-agent: yuqing\ndisallow: /\nallow: /\n", url));
  EXPECT_TRUE(allowed("user-agent: yuqing\nallow: /\ndisallow: /\n", url));
  EXPECT_TRUE(allowed("user-agent: yuqing\ndisallow: /x/page.html\nallow: /x/page.html\n", url));
  EXPECT_TRUE(allowed(
      "user-agent: yuqing\ndisallow: /x/page.html\ndisallow: /x/page.html\nallow: /x/page.html\n",
      url));
}

TEST(RobotsRulesPrecedence, LengthIsCountedInOctetsOfThePattern) {
  const std::string_view robots = "user-agent: yuqing\ndisallow: /x\nallow: /x/\n";
  EXPECT_FALSE(allowed(robots, "http://foo.bar/x"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/x/"));
}

TEST(RobotsRulesPrecedence, WildcardRulesCompeteByPatternLength) {
  const std::string_view robots = "user-agent: yuqing\nallow: /page\ndisallow: /*.html\n";
  EXPECT_FALSE(allowed(robots, "http://foo.bar/page.html"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/page"));
  const std::string_view longer_allow = "user-agent: yuqing\nallow: /x/page.\ndisallow: /*.html\n";
  EXPECT_TRUE(allowed(longer_allow, "http://foo.bar/x/page.html"));
  EXPECT_FALSE(allowed(longer_allow, "http://foo.bar/x/y.html"));
}

TEST(RobotsRulesPrecedence, Rfc9309LongestMatchExample) {
  // §5.2.
  const std::string_view robots =
      "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n";
  EXPECT_FALSE(allowed(robots, "http://example.com/example/page/disallowed.gif", "foobot"));
  EXPECT_TRUE(allowed(robots, "http://example.com/example/page/allowed.gif", "foobot"));
}

TEST(RobotsRulesPrecedence, MergedGroupsCompeteAsOneGroup) {
  const std::string_view longer =
      "user-agent: yuqing\nallow: /a/b\n"
      "user-agent: other\ndisallow: /\n"
      "user-agent: yuqing\ndisallow: /a\n";
  EXPECT_TRUE(allowed(longer, "/a/b"));
  EXPECT_FALSE(allowed(longer, "/a/c"));
  // A tie between groups still goes to allow, whichever group comes first.
  EXPECT_TRUE(allowed(
      "user-agent: yuqing\ndisallow: /t\nuser-agent: o\ndisallow: /\nuser-agent: yuqing\nallow: /t\n",
      "/t"));
  EXPECT_TRUE(allowed(
      "user-agent: yuqing\nallow: /t\nuser-agent: o\ndisallow: /\nuser-agent: yuqing\ndisallow: /t\n",
      "/t"));
}

// Google's "URL matching based on path values" table, one pattern per test.

TEST(RobotsRulesGooglePaths, Root) {
  expect_pattern("/", {"/", "/a", "/fish/salmon.html", "/?q=1"}, {});
}

TEST(RobotsRulesGooglePaths, RootStarEqualsRoot) {
  expect_pattern("/*", {"/", "/a", "/fish/salmon.html", "/?q=1"}, {});
}

TEST(RobotsRulesGooglePaths, RootAnchored) {
  expect_pattern("/$", {"/"}, {"/a", "/index.html", "/?q=1"});
}

TEST(RobotsRulesGooglePaths, Fish) {
  expect_pattern("/fish",
                 {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html",
                  "/fish.php?id=anything"},
                 {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"});
}

TEST(RobotsRulesGooglePaths, FishStarEqualsFish) {
  expect_pattern("/fish*",
                 {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html",
                  "/fish.php?id=anything"},
                 {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"});
}

TEST(RobotsRulesGooglePaths, FishFolder) {
  expect_pattern("/fish/", {"/fish/", "/fish/?id=anything", "/fish/salmon.htm"},
                 {"/fish", "/fish.html", "/animals/fish/", "/Fish/Salmon.asp"});
}

TEST(RobotsRulesGooglePaths, StarPhp) {
  expect_pattern("/*.php",
                 {"/index.php", "/filename.php", "/folder/filename.php", "/folder/filename.php?parameters",
                  "/folder/any.php.file.html", "/filename.php/", "/index?f=filename.php/"},
                 {"/", "/windows.PHP", "/php/", "/index?php"});
}

TEST(RobotsRulesGooglePaths, StarPhpAnchored) {
  expect_pattern("/*.php$", {"/filename.php", "/folder/filename.php", "/a.php.php"},
                 {"/filename.php?parameters", "/filename.php/", "/filename.php5", "/windows.PHP",
                  "/filename?php", "/aaaphpaaa"});
}

TEST(RobotsRulesGooglePaths, FishStarPhp) {
  expect_pattern("/fish*.php", {"/fish.php", "/fishheads/catfish.php?parameters"},
                 {"/Fish.PHP", "/fish.PHP"});
}

// Google's "Order of precedence for rules" examples.

TEST(RobotsRulesGooglePrecedence, MoreSpecificAllowWins) {
  EXPECT_TRUE(allowed("user-agent: *\nallow: /p\ndisallow: /\n", "https://example.com/page"));
}

TEST(RobotsRulesGooglePrecedence, ConflictingEqualRulesGoToAllow) {
  EXPECT_TRUE(allowed("user-agent: *\nallow: /folder\ndisallow: /folder\n",
                      "https://example.com/folder/page"));
}

TEST(RobotsRulesGooglePrecedence, LongerWildcardDisallowWins) {
  EXPECT_FALSE(allowed("user-agent: *\nallow: /page\ndisallow: /*.htm\n", "https://example.com/page.htm"));
}

TEST(RobotsRulesGooglePrecedence, EqualLengthWildcardConflictGoesToAllow) {
  EXPECT_TRUE(allowed("user-agent: *\nallow: /page\ndisallow: /*.ph\n", "https://example.com/page.php5"));
}

TEST(RobotsRulesGooglePrecedence, AnchoredRootAllowOnlyCoversTheRoot) {
  const std::string_view robots = "user-agent: *\nallow: /$\ndisallow: /\n";
  EXPECT_TRUE(allowed(robots, "https://example.com/"));
  EXPECT_TRUE(allowed(robots, "https://example.com"));
  EXPECT_FALSE(allowed(robots, "https://example.com/page.htm"));
}

// §2.2.2 percent-encoding. Where google/robotstxt's ID_Encoding test differs — it leaves encoding
// the URL to its caller and does not decode %62%61%7A — these follow the RFC's own table.

TEST(RobotsRulesEncoding, NonAsciiPatternMatchesEncodedAndRawUrl) {
  const std::string_view robots = "User-agent: *\nDisallow: /\nAllow: /foo/bar/ツ\n";
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/%E3%83%84"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/ツ"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/%e3%83%84"));
  EXPECT_FALSE(allowed(robots, "http://foo.bar/foo/bar/%E3%83"));
}

TEST(RobotsRulesEncoding, EncodedNonAsciiPatternMatchesEncodedAndRawUrl) {
  const std::string_view robots = "User-agent: *\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n";
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/%E3%83%84"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/ツ"));
}

TEST(RobotsRulesEncoding, HexDigitCaseIsIrrelevant) {
  expect_pattern("/a%2fb", {"/a%2Fb", "/a%2fb"}, {"/a/b"});
  expect_pattern("/%c3%a1", {"/%C3%A1", "/á"}, {"/a"});
}

TEST(RobotsRulesEncoding, EncodedUnreservedCharactersAreDecoded) {
  // §2.2.2's table, last row, and the reverse direction.
  expect_pattern("/foo/bar/%62%61%7A", {"/foo/bar/baz", "/foo/bar/%62%61%7a"}, {"/foo/bar/bar"});
  expect_pattern("/~user", {"/%7Euser", "/%7euser/x"}, {"/%7Fuser"});
  expect_pattern("/a-b_c.d", {"/a%2Db%5Fc%2Ed"}, {});
}

TEST(RobotsRulesEncoding, Rfc9309EncodingTable) {
  expect_pattern("/foo/bar?baz=quz", {"/foo/bar?baz=quz"}, {"/foo/bar?baz=qux"});
  expect_pattern("/foo/bar/ツ", {"/foo/bar/%E3%83%84"}, {});
  expect_pattern("/foo/bar/%E3%83%84", {"/foo/bar/%E3%83%84"}, {});
  expect_pattern("/foo/bar/%62%61%7A", {"/foo/bar/baz"}, {});
}

TEST(RobotsRulesEncoding, ReservedCharactersAndTheirEncodingsStayDistinct) {
  // RFC 3986 §6.2.2.2: "/a%2Fb" names a different resource than "/a/b", so a rule for the
  // folder /a/ does not reach it. A rule written with literal reserved characters matches the
  // same literal characters (google/robotstxt's "stays unencoded" case).
  expect_pattern("/a/", {"/a/b"}, {"/a%2Fb"});
  expect_pattern("/a%2F", {"/a%2Fb"}, {"/a/b"});
  expect_pattern("/foo/bar?qux=taz&baz=http://foo.bar?tar&par",
                 {"http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par"},
                 {"http://foo.bar/foo/bar?qux=taz&baz=http%3A%2F%2Ffoo.bar?tar&par"});
}

TEST(RobotsRulesEncoding, SpacesAndControlCharactersCompareEncoded) {
  expect_pattern("/a b", {"/a%20b", "/a b"}, {"/a+b", "/ab"});
  expect_pattern("/tab%09", {"/tab\t"}, {"/tab"});
}

// Google-specific: an allowed index page stands for its folder.

TEST(RobotsRulesGooglePaths, AllowedIndexPageAllowsItsFolder) {
  // google/robotstxt GoogleOnly_IndexHTMLisDirectory.
  const std::string_view robots = "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n";
  struct Case {
    const char* url;
    bool allowed;
  } cases[] = {{"http://foo.com/allowed-slash/", true},
               {"http://foo.com/allowed-slash/index.html", true},
               {"http://foo.com/allowed-slash/index.htm", false},
               {"http://foo.com/allowed-slash/other.html", false},
               {"http://foo.com/allowed-slash/x/", false},
               {"http://foo.com/anyother-url", false}};
  for (const auto& c : cases) EXPECT_EQ(allowed(robots, c.url, "foobot"), c.allowed) << c.url;
  // Only an allow does this: a disallowed index page keeps the folder as it was.
  EXPECT_TRUE(allowed("User-Agent: *\nDisallow: /d/index.html\n", "http://foo.com/d/", "foobot"));
}

// §2.2.3 special characters.

TEST(RobotsRulesSpecialCharacters, HashStartsAComment) {
  const std::string_view robots =
      "user-agent: *\n# comment on its own line\ndisallow: /\nallow: /public # comment in line\n";
  EXPECT_TRUE(allowed(robots, "/public"));
  EXPECT_TRUE(allowed(robots, "/public/page"));
  EXPECT_FALSE(allowed(robots, "/other"));
}

TEST(RobotsRulesSpecialCharacters, DollarAnchorsTheEndOfTheUrl) {
  expect_pattern("/this/path/exactly$", {"/this/path/exactly", "http://h/this/path/exactly#frag"},
                 {"/this/path/exactly/", "/this/path/exactly?x", "/this/path/exactlyx"});
  const std::string_view robots =
      "User-agent: yuqing\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n";
  EXPECT_FALSE(allowed(robots, "http://foo.bar/foo/bar"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/qux"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/"));
}

TEST(RobotsRulesSpecialCharacters, DollarElsewhereIsAnOrdinaryCharacter) {
  expect_pattern("/a$b", {"/a$b", "/a$bc", "/a%24b"}, {"/a", "/ab"});
  expect_pattern("/price$$", {"/price$"}, {"/price", "/price$x"});
}

TEST(RobotsRulesSpecialCharacters, StarMatchesAnyRunOfOctets) {
  expect_pattern("/this/*/exactly",
                 {"/this/a/exactly", "/this/a/b/exactly", "/this//exactly", "/this/a/exactly/x"},
                 {"/this/exactly", "/that/a/exactly"});
  const std::string_view robots = "User-agent: yuqing\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n";
  EXPECT_FALSE(allowed(robots, "http://foo.bar/foo/bar/quz"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo/bar/qux"));
  EXPECT_TRUE(allowed(robots, "http://foo.bar/foo//qux"));
}

TEST(RobotsRulesSpecialCharacters, StarsBacktrackCorrectly) {
  expect_pattern("/x*y*z$", {"/xyz", "/xayz", "/xaybz", "/xyzyz", "/xzyz"}, {"/xazy", "/xyzq", "/xy"});
  expect_pattern("/**a", {"/a", "/ba", "/b/c/a"}, {"/b"});
  expect_pattern("/*a*b*c", {"/abc", "/xaxbxc", "/cbaabc"}, {"/cba", "/acb"});
}

TEST(RobotsRulesSpecialCharacters, EncodedStarAndDollarMatchLiteralCharacters) {
  // §2.2.3's percent-encoding table.
  expect_pattern("/path/file-with-a-%2A.html", {"https://www.example.com/path/file-with-a-*.html"},
                 {"https://www.example.com/path/file-with-a-x.html"});
  expect_pattern("/path/foo-%24", {"https://www.example.com/path/foo-$", "/path/foo-$bar"},
                 {"https://www.example.com/path/foo-"});
}

TEST(RobotsRulesSpecialCharacters, HostileWildcardPatternStaysCheap) {
  std::string pattern = "/";
  for (int i = 0; i < 200; ++i) pattern += "*a";
  pattern += "b";
  const std::string path = "/" + std::string(5000, 'a');
  expect_pattern(pattern, {path + "b"}, {path});
}

// §2.2.4 other records.

TEST(RobotsRulesOtherRecords, SitemapsAreCollectedWhereverTheyAppear) {
  const auto rules = RobotsRules::parse(
      "Sitemap: https://example.com/sitemap-a.xml\n"
      "user-agent: a\n"
      "disallow: /c\n"
      "sitemap: https://example.com/sitemap-b.xml   # the news one\n"
      "user-agent: b\n"
      "SITE-MAP: https://cdn.example.org/テスト-サイトマップ.xml\n"
      "disallow: /d\n"
      "Sitemap: https://example.com/sitemap-a.xml\n"
      "Sitemap:\n"
      "sitemap: /relative-sitemap.xml\n");
  EXPECT_EQ(rules.sitemaps(), (std::vector<std::string>{
                                  "https://example.com/sitemap-a.xml",
                                  "https://example.com/sitemap-b.xml",
                                  "https://cdn.example.org/テスト-サイトマップ.xml",
                                  "/relative-sitemap.xml",
                              }));
  EXPECT_FALSE(rules.allowed("b", "/d"));
  EXPECT_TRUE(rules.allowed("b", "/c"));
}

TEST(RobotsRulesOtherRecords, CrawlDelayComesFromTheChosenGroup) {
  const auto rules = RobotsRules::parse(
      "user-agent: *\ndisallow: /private\ncrawl-delay: 10\n\n"
      "user-agent: yuqing\nCrawl-Delay: 2.5\ndisallow: /x\n\n"
      "user-agent: slowbot\ndisallow: /\n");
  EXPECT_EQ(rules.crawl_delay(kYuqing), 2.5);
  EXPECT_EQ(rules.crawl_delay("otherbot"), 10.0);
  EXPECT_EQ(rules.crawl_delay("slowbot"), std::nullopt);  // named groups do not inherit from "*"
}

TEST(RobotsRulesOtherRecords, CrawlDelayOfMergedGroupsIsTheLargest) {
  const auto rules = RobotsRules::parse(
      "user-agent: yuqing\ncrawl-delay: 3\ndisallow: /a\n"
      "user-agent: other\ndisallow: /\n"
      "user-agent: yuqing\ncrawl-delay: 1\ncrawldelay: 7\ncrawl-delay: 2\n");
  EXPECT_EQ(rules.crawl_delay(kYuqing), 7.0);
  EXPECT_EQ(rules.crawl_delay("other"), std::nullopt);
}

TEST(RobotsRulesOtherRecords, UnreadableCrawlDelaysAreIgnored) {
  for (const std::string_view value : {"-1", "abc", "inf", "nan", "5s", "", "1,5", "0x10", "+3"}) {
    const auto rules = RobotsRules::parse("user-agent: *\ncrawl-delay: " + std::string(value) + "\n");
    EXPECT_EQ(rules.crawl_delay(kYuqing), std::nullopt) << '"' << value << '"';
  }
  EXPECT_EQ(RobotsRules::parse("user-agent: *\ncrawl-delay: 0\n").crawl_delay(kYuqing), 0.0);
  EXPECT_EQ(RobotsRules::parse("user-agent: *\ncrawl-delay:  0.5  \n").crawl_delay(kYuqing), 0.5);
}

TEST(RobotsRulesOtherRecords, CrawlDelayOutsideAnyGroupIsIgnored) {
  const auto rules = RobotsRules::parse("crawl-delay: 5\nuser-agent: *\ndisallow:\n");
  EXPECT_EQ(rules.crawl_delay(kYuqing), std::nullopt);
  EXPECT_EQ(RobotsRules::parse("").crawl_delay(kYuqing), std::nullopt);
}

TEST(RobotsRulesOtherRecords, CrawlDelayDoesNotSplitUserAgentLines) {
  const auto rules = RobotsRules::parse("user-agent: a\ncrawl-delay: 5\nuser-agent: b\ndisallow: /\n");
  EXPECT_FALSE(rules.allowed("a", "/x"));
  EXPECT_EQ(rules.crawl_delay("a"), 5.0);
  EXPECT_EQ(rules.crawl_delay("b"), 5.0);
}

// §2.3 access method and results.

TEST(RobotsRulesAccess, AllowAllIsForAnUnavailableFile) {
  // §2.3.1.3: 4xx means the crawler MAY access any resource.
  const auto rules = RobotsRules::allow_all();
  for (const auto url : {"/", "/private/x?y=1", "http://example.com"}) {
    EXPECT_TRUE(rules.allowed(kYuqing, url)) << url;
    EXPECT_TRUE(rules.allowed("", url)) << url;
  }
  EXPECT_TRUE(rules.sitemaps().empty());
  EXPECT_EQ(rules.crawl_delay(kYuqing), std::nullopt);
}

TEST(RobotsRulesAccess, DisallowAllIsForAnUnreachableFile) {
  // §2.3.1.4: 5xx or a network failure means complete disallow.
  const auto rules = RobotsRules::disallow_all();
  for (const auto url : {"/", "/a", "http://example.com", "http://example.com/?q=1", "/robots.txt.bak"}) {
    EXPECT_FALSE(rules.allowed(kYuqing, url)) << url;
    EXPECT_FALSE(rules.allowed("", url)) << url;
  }
  EXPECT_TRUE(rules.allowed(kYuqing, "http://example.com/robots.txt"));
  EXPECT_TRUE(rules.sitemaps().empty());
  EXPECT_EQ(rules.crawl_delay(kYuqing), std::nullopt);
}

TEST(RobotsRulesAccess, RobotsTxtIsAlwaysAllowed) {
  const std::string_view robots = "user-agent: *\ndisallow: /robots.txt\ndisallow: /\n";
  EXPECT_TRUE(allowed(robots, "/robots.txt"));
  EXPECT_TRUE(allowed(robots, "https://example.com/robots.txt"));
  EXPECT_TRUE(allowed(robots, "https://example.com/robots.txt?refresh=1"));
  EXPECT_TRUE(allowed(robots, "https://example.com/robots%2Etxt"));
  EXPECT_FALSE(allowed(robots, "/robots.txt.bak"));
  EXPECT_FALSE(allowed(robots, "/ROBOTS.TXT"));
  EXPECT_FALSE(allowed(robots, "/dir/robots.txt"));
}

TEST(RobotsRulesAccess, Rfc9309SimpleExample) {
  // §5.1, with every group exercised.
  const auto rules = RobotsRules::parse(
      "User-Agent: *\n"
      "Disallow: *.gif$\n"
      "Disallow: /example/\n"
      "Allow: /publications/\n"
      "\n"
      "User-Agent: foobot\n"
      "Disallow:/\n"
      "Allow:/example/page.html\n"
      "Allow:/example/allowed.gif\n"
      "\n"
      "User-Agent: barbot\n"
      "User-Agent: bazbot\n"
      "Disallow: /example/page.html\n"
      "\n"
      "User-Agent: quxbot\n");
  EXPECT_FALSE(rules.allowed("otherbot", "/example/page.html"));
  EXPECT_FALSE(rules.allowed("otherbot", "/images/logo.gif"));
  EXPECT_TRUE(rules.allowed("otherbot", "/images/logo.gif?v=2"));
  EXPECT_TRUE(rules.allowed("otherbot", "/publications/2022.pdf"));
  EXPECT_TRUE(rules.allowed("otherbot", "/index.html"));

  EXPECT_TRUE(rules.allowed("foobot", "/example/page.html"));
  EXPECT_TRUE(rules.allowed("foobot", "/example/allowed.gif"));
  EXPECT_FALSE(rules.allowed("foobot", "/example/other.html"));
  EXPECT_FALSE(rules.allowed("foobot", "/publications/2022.pdf"));
  EXPECT_FALSE(rules.allowed("foobot", "/"));

  for (const auto bot : {"barbot", "bazbot"}) {
    EXPECT_FALSE(rules.allowed(bot, "/example/page.html")) << bot;
    EXPECT_TRUE(rules.allowed(bot, "/example/other.html")) << bot;
    EXPECT_TRUE(rules.allowed(bot, "/images/logo.gif")) << bot;
  }

  for (const auto url : {"/", "/example/page.html", "/images/logo.gif"}) {
    EXPECT_TRUE(rules.allowed("quxbot", url)) << url;
  }
}

// §2.5 limits.

TEST(RobotsRulesLimits, ReadsUpTo500KiB) {
  const std::string head = "user-agent: *\ndisallow: /early\n";
  const std::string last_line = "disallow: /edge\n";
  std::string robots =
      head + comment_padding(RobotsRules::kMaxParseBytes - head.size() - last_line.size() + 1);
  robots += last_line;  // its '\n' is the first byte past the limit
  ASSERT_EQ(robots.size(), RobotsRules::kMaxParseBytes + 1);
  robots += "disallow: /late\n";
  EXPECT_FALSE(allowed(robots, "/early"));
  EXPECT_FALSE(allowed(robots, "/edge"));
  EXPECT_TRUE(allowed(robots, "/late"));
}

TEST(RobotsRulesLimits, IgnoresEverythingAfter500KiB) {
  std::string robots = "user-agent: *\ndisallow: /a\n";
  robots += comment_padding(RobotsRules::kMaxParseBytes);
  robots += "disallow: /b\nsitemap: https://example.com/late.xml\nuser-agent: yuqing\nallow: /\n";
  const auto rules = RobotsRules::parse(robots);
  EXPECT_FALSE(rules.allowed(kYuqing, "/a"));
  EXPECT_TRUE(rules.allowed(kYuqing, "/b"));
  EXPECT_TRUE(rules.sitemaps().empty());
}

TEST(RobotsRulesLimits, LongLinesAreReadUpTo16663Bytes) {
  // google/robotstxt GoogleOnly_LineTooLong: a line is read into a 2083 * 8 byte buffer; what does
  // not fit is ignored, so a rule cut there matches on its first 16,663 bytes.
  const std::string filler(RobotsRules::kMaxLineBytes, 'a');
  const std::string head = "disallow: /x/";
  const std::string cut = filler.substr(0, RobotsRules::kMaxLineBytes - head.size());  // what is kept of the path
  const auto rules = RobotsRules::parse("user-agent: FooBot\n" + head + cut + "/qux\nallow: /y\n");
  EXPECT_TRUE(rules.allowed("FooBot", "http://foo.bar/fux"));
  EXPECT_FALSE(rules.allowed("FooBot", "http://foo.bar/x/" + cut + "/fux"));  // the cut rule reaches it
  EXPECT_FALSE(rules.allowed("FooBot", "http://foo.bar/x/" + cut));
  EXPECT_TRUE(rules.allowed("FooBot", "http://foo.bar/x/" + cut.substr(1)));  // one byte short of the rule
  EXPECT_TRUE(rules.allowed("FooBot", "http://foo.bar/y"));                   // the next line is read as usual
}

TEST(RobotsRulesLimits, LineCutByTheLimitIsDropped) {
  // Read up to the limit, the line would be "disallow: /c" and block /cat.
  const std::string head = "user-agent: *\n";
  std::string robots = head + comment_padding(RobotsRules::kMaxParseBytes - head.size() - 12);
  robots += "disallow: /cut-by-the-limit\n";
  ASSERT_EQ(robots.substr(RobotsRules::kMaxParseBytes - 12, 12), "disallow: /c");
  EXPECT_TRUE(allowed(robots, "/cat"));
  EXPECT_TRUE(allowed(robots, "/cut-by-the-limit"));
}

// Header contract: immutable, queried from many threads at once.

TEST(RobotsRulesThreads, ConcurrentQueriesAgreeWithSerialOnes) {
  const auto rules = RobotsRules::parse(
      "user-agent: *\ndisallow: /private/\nallow: /private/ok\n"
      "user-agent: yuqing\ndisallow: /*.pdf$\ncrawl-delay: 1\n");
  const std::vector<std::string> urls = {"/private/x", "/private/ok", "/a.pdf", "/a.pdf?x", "/"};
  const std::vector<std::string_view> agents = {kYuqing, "otherbot"};
  std::vector<bool> expected;
  for (const auto agent : agents) {
    for (const auto& url : urls) expected.push_back(rules.allowed(agent, url));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 500; ++round) {
        std::size_t i = 0;
        for (const auto agent : agents) {
          for (const auto& url : urls) mismatches[t] += rules.allowed(agent, url) != expected[i++];
        }
        mismatches[t] += rules.crawl_delay(kYuqing) != 1.0;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(expected, (std::vector<bool>{true, true, false, true, true, false, true, true, true, true}));
  for (const int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace yuqing::crawlers
