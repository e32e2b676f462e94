// RobotsRules: one site's robots.txt, parsed once and asked "may this crawler fetch this URL?"
// for every URL the frontier hands out. Implements RFC 9309 (Robots Exclusion Protocol) with
// Google's documented reading of it ("How Google interprets the robots.txt specification").
//
// Contract
// - Pure: no I/O and no clock. The fetcher downloads /robots.txt and maps the outcome to one
//   of the three factories in one place (RFC 9309 §2.3.1):
//     2xx, after at most 5 redirects   -> parse(body)
//     4xx except 429 ("unavailable")   -> allow_all()
//     more than 5 redirects            -> allow_all()      (Google treats this as a 404)
//     5xx, 429, network/DNS failure    -> disallow_all()   ("unreachable": complete disallow)
//   Caching (§2.4, at most 24 hours) and redirect following belong to the caller.
// - parse() accepts any bytes and does not throw (only allocation failure can escape). Lines
//   it cannot read are skipped; everything it can read is used (§2.3.1.5). Only the first
//   kMaxParseBytes are read (§2.5); a line cut by that limit is dropped whole, because a
//   truncated pattern is a rule the site never wrote. A single line is read up to
//   kMaxLineBytes and the rest of it ignored, as google/robotstxt does (its line buffer).
// - Immutable once built; all queries are const and safe to run concurrently from any thread.
//   Copy and move freely.
//
// Matching rules, so a reader need not open the .cc
// - Groups: one or more user-agent lines followed by rules; only an allow/disallow line ends
//   the run of user-agent lines, so blank lines, comments, sitemap, crawl-delay and unknown
//   lines between user-agent lines keep them in one group. Rules before the first user-agent
//   line belong to no group and are ignored.
// - Agents: the crawler's product token is its User-Agent string up to the first '/' (RFC 9110:
//   product = token ["/" version]; "yuqing/0.1 (+https://...)" -> "yuqing"); if that holds anything
//   but [A-Za-z_-] ("Foo Bar", "ツbot") it names no group and the "*" groups apply, as in the
//   reference matcher. A user-agent line's token is its leading run of [A-Za-z_-] — Google reads a
//   value up to its first space, so "yuqing/2.0", "yuqing*" and "yuqing extra words" all name
//   "yuqing" — and "*" alone or followed by words names every crawler. Tokens compare case-insensitively
//   and whole ("yuqingbot" and "yuqing-news" do not name "yuqing"). All groups naming the
//   token are merged into one; only when none does are the "*" groups used, and those are
//   never merged with a named group. No group at all means no rules: everything is allowed.
// - Paths: matched against the URL's path plus query (fragment dropped; empty path is "/"),
//   case-sensitively, anchored at the first octet. "*" matches any run of octets; "$" at the
//   end of a pattern anchors it to the end of the URL. Patterns not starting with "/" or "*"
//   get a leading "/" (Google documents "fish/" as "/fish/"). An empty pattern is no rule.
// - Encoding: both patterns and paths are normalised before comparison: %XX of unreserved
//   characters (A-Z a-z 0-9 - . _ ~) is decoded, other %XX get upper-case hex, octets >= 0x80
//   and controls/space are %-encoded. Reserved characters and their %-encodings stay distinct
//   (RFC 3986 §6.2.2.2: "/a%2Fb" is not "/a/b"), except that "%2A" and "%24" in a pattern match
//   a literal "*" and "$" in the URL (RFC 9309 §2.2.3).
// - Precedence: the matching rule with the longest normalised pattern wins; on a tie allow
//   wins. No matching rule means allowed. "/robots.txt" itself is always allowed.
// - Index pages (Google): an allow rule whose last segment starts with "index.htm" also allows
//   its folder itself ("allow: /a/index.html" allows "/a/", not "/a/x"): a site that lets its
//   index page be read means the folder's default document.
// - Where the reference matcher's tests and RFC 9309 differ, the RFC wins: its §2.2.2 table
//   matches "%62%61%7A" in a rule to "baz" in a URL, and a raw non-ASCII URL is percent-encoded
//   before comparison; google/robotstxt leaves both to its caller and answers "no match".
// - Crawl-delay (non-standard) is read per group; for merged groups the largest value wins.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yuqing::crawlers {

class RobotsRules {
 public:
  // RFC 9309 §2.5 requires reading at least 500 KiB; we read exactly that much.
  static constexpr std::size_t kMaxParseBytes = 500 * 1024;
  // google/robotstxt reads 2083 * 8 bytes of a line into a buffer ending in a NUL: 16,663 bytes.
  static constexpr std::size_t kMaxLineBytes = 2083 * 8 - 1;

  static RobotsRules parse(std::string_view robots_txt);
  static RobotsRules allow_all();
  static RobotsRules disallow_all();

  // user_agent: the full User-Agent header value the crawler sends.
  // url_or_path: "scheme://host[:port]/path?query#fragment", "//host/path" or "/path?query";
  // other text is read as "host/path", as Google's matcher does.
  bool allowed(std::string_view user_agent, std::string_view url_or_path) const;

  // Seconds, as written by the site (>= 0, finite); the politeness layer decides the bounds.
  std::optional<double> crawl_delay(std::string_view user_agent) const;

  // Sitemap URLs in file order, duplicates removed, as written (possibly relative; the caller
  // resolves them against the robots.txt URL). They apply to every agent.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    std::string pattern;  // normalised; a final '$' is the end anchor
    bool allow = false;
  };
  struct Group {
    std::vector<Rule> rules;  // longest pattern first, allow before disallow at equal length
    std::optional<double> crawl_delay;
  };

  RobotsRules() = default;
  const std::vector<std::size_t>& groups_for(std::string_view user_agent) const;

  std::vector<Group> groups_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> groups_by_agent_;  // lower-case
  std::vector<std::size_t> global_groups_;
  std::vector<std::string> sitemaps_;
};

}  // namespace yuqing::crawlers
