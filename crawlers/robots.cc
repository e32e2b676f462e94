#include "crawlers/robots.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>
#include <unordered_set>
#include <utility>

namespace yuqing::crawlers {
namespace {

constexpr std::string_view kSpace = " \t\v\f";
constexpr std::string_view kLineEnds = "\r\n";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr char kUpperHex[] = "0123456789ABCDEF";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  const char lower = ascii_lower(c);
  return (lower >= 'a' && lower <= 'f') ? lower - 'a' + 10 : -1;
}

// RFC 3986 §2.3.
bool is_unreserved(unsigned char c) {
  return is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c)) || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 9309 §2.2.1: a product token is made of letters, '_' and '-'. On a user-agent line,
// whatever follows it ("/2.0", "*", " Images") is not part of the name.
std::string product_token(std::string_view s) {
  s = trim(s);
  std::string token;
  for (const char c : s) {
    if (!is_alpha(c) && c != '-' && c != '_') break;
    token += ascii_lower(c);
  }
  return token;
}

// The crawler's own token: its User-Agent up to the first '/', all of it a valid token, else "".
std::string crawler_token(std::string_view user_agent) {
  const auto name = trim(user_agent.substr(0, user_agent.find('/')));
  for (const char c : name)
    if (!is_alpha(c) && c != '-' && c != '_') return {};
  std::string token(name.size(), '\0');
  std::transform(name.begin(), name.end(), token.begin(), ascii_lower);
  return token;
}

// "/a/index.html" -> "/a/$": the folder whose index page an allow rule names (Google-specific).
std::optional<std::string> index_folder(std::string_view value) {
  const auto slash = value.rfind('/');
  if (slash == std::string_view::npos || !value.substr(slash + 1).starts_with("index.htm")) return std::nullopt;
  return std::string(value.substr(0, slash + 1)) + "$";
}

enum class Side { pattern, path };

// Brings a rule pattern or a request path to the one form they are compared in (see the
// header's "Encoding"). The sides differ only in '*' and '$': special in a pattern, literal
// in a path, so a path's literal ones are encoded to meet a pattern's %2A / %24.
std::string normalise(std::string_view in, Side side) {
  std::string out;
  out.reserve(in.size());
  const auto encode = [&out](unsigned char c) {
    out += '%';
    out += kUpperHex[c >> 4];
    out += kUpperHex[c & 0xF];
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      const auto decoded =
          static_cast<unsigned char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      if (is_unreserved(decoded)) {
        out += static_cast<char>(decoded);
      } else {
        encode(decoded);
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7F) {
      encode(c);
    } else if (side == Side::path && (c == '*' || c == '$')) {
      encode(c);
    } else if (side == Side::pattern && c == '$' && i + 1 != in.size()) {
      encode(c);  // only a final '$' anchors; elsewhere it is an ordinary character
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string make_pattern(std::string_view value) {
  if (value.front() == '/' || value.front() == '*') return normalise(value, Side::pattern);
  std::string rooted = "/";
  rooted += value;
  return normalise(rooted, Side::pattern);
}

// Both inputs normalised. Greedy wildcard matching that backtracks only to the latest '*':
// enough for patterns whose only operator is '*', and linear on the common star-free rules.
bool pattern_matches(std::string_view pattern, std::string_view path) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t p = 0;
  std::size_t i = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  for (;;) {
    if (p == pattern.size()) {
      if (!anchored || i == path.size()) return true;
    } else if (pattern[p] == '*') {
      star = p++;
      resume = i;
      continue;
    } else if (i < path.size() && pattern[p] == path[i]) {
      ++p;
      ++i;
      continue;
    }
    if (star == std::string_view::npos || resume == path.size()) return false;
    p = star + 1;
    i = ++resume;
  }
}

// Length of "scheme" in "scheme://...", or 0 when the text does not start with a scheme.
std::size_t scheme_length(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(url[0])) return 0;
  for (const char c : url.substr(0, colon)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return colon;
}

// Path plus query of a URL, fragment dropped, always starting with '/'. Text that is neither
// an absolute URL nor a path ("example.com/a") is read as host[/path], as Google's matcher does.
std::string request_path(std::string_view url) {
  url = url.substr(0, url.find('#'));
  std::size_t authority = 0;
  if (url.starts_with("//")) {
    authority = 2;
  } else if (url.starts_with('/')) {
    return std::string(url);
  } else if (const auto scheme = scheme_length(url); scheme > 0) {
    authority = scheme + 3;
  }
  const auto start = url.find_first_of("/?", authority);
  if (start == std::string_view::npos) return "/";
  std::string path = url[start] == '?' ? "/" : "";
  path += url.substr(start);
  return path;
}

enum class Key { user_agent, allow, disallow, sitemap, crawl_delay, unknown };

// Field names are case-insensitive (RFC 9309 §2.1). The misspellings are the ones Google
// accepts; §2.2.4 allows such leniency, and reading a misspelt disallow errs on the polite side.
Key classify(std::string_view name) {
  static constexpr std::pair<std::string_view, Key> kNames[] = {
      {"user-agent", Key::user_agent},   {"useragent", Key::user_agent},
      {"user agent", Key::user_agent},   {"allow", Key::allow},
      {"disallow", Key::disallow},       {"dissallow", Key::disallow},
      {"dissalow", Key::disallow},       {"disalow", Key::disallow},
      {"diasllow", Key::disallow},       {"disallaw", Key::disallow},
      {"sitemap", Key::sitemap},         {"site-map", Key::sitemap},
      {"crawl-delay", Key::crawl_delay}, {"crawldelay", Key::crawl_delay},
      {"crawl delay", Key::crawl_delay},
  };
  std::string lower(name.size(), '\0');
  std::transform(name.begin(), name.end(), lower.begin(), ascii_lower);
  for (const auto& [known, key] : kNames) {
    if (lower == known) return key;
  }
  return Key::unknown;
}

struct Line {
  Key key = Key::unknown;
  std::string_view value;
};

// "<key> *WS ':' *WS <value> [# comment]". Google also accepts a forgotten colon when the line
// is exactly two words ("disallow /"), so we do too; anything else unreadable is skipped.
std::optional<Line> read_line(std::string_view text) {
  text = trim(text.substr(0, text.find('#')));
  auto separator = text.find(':');
  if (separator == std::string_view::npos) {
    separator = text.find_first_of(kSpace);
    if (separator == std::string_view::npos) return std::nullopt;
    if (trim(text.substr(separator)).find_first_of(kSpace) != std::string_view::npos) {
      return std::nullopt;
    }
  }
  const auto name = trim(text.substr(0, separator));
  if (name.empty()) return std::nullopt;
  return Line{classify(name), trim(text.substr(separator + 1))};
}

std::optional<double> read_delay(std::string_view value) {
  double seconds = 0;
  const auto* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, seconds);
  if (error != std::errc{} || stop != end || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  return seconds;
}

// The part of the file we read: the first kMaxParseBytes without a line the limit cut in two,
// then without a (possibly truncated) UTF-8 byte-order mark, which Google also skips.
std::string_view readable_part(std::string_view text) {
  if (text.size() > RobotsRules::kMaxParseBytes) {
    const char first_unread = text[RobotsRules::kMaxParseBytes];
    const bool cut_mid_line = kLineEnds.find(first_unread) == std::string_view::npos;
    text = text.substr(0, RobotsRules::kMaxParseBytes);
    if (cut_mid_line) {
      const auto last_end = text.find_last_of(kLineEnds);
      text = last_end == std::string_view::npos ? std::string_view{} : text.substr(0, last_end + 1);
    }
  }
  std::size_t bom = 0;
  while (bom < kUtf8Bom.size() && bom < text.size() && text[bom] == kUtf8Bom[bom]) ++bom;
  return text.substr(bom);
}

void add_group_index(std::vector<std::size_t>& indexes, std::size_t group) {
  if (indexes.empty() || indexes.back() != group) indexes.push_back(group);
}

}  // namespace

RobotsRules RobotsRules::parse(std::string_view robots_txt) {
  RobotsRules rules;
  std::unordered_set<std::string_view> seen_sitemaps;
  std::optional<std::size_t> group;  // the group user-agent lines and rules currently go to
  bool group_has_rules = false;      // an allow/disallow line closed its run of user-agent lines

  const auto handle = [&](std::string_view text) {
    const auto line = read_line(text);
    if (!line) return;
    switch (line->key) {
      case Key::user_agent: {
        if (!group || group_has_rules) {
          rules.groups_.emplace_back();
          group = rules.groups_.size() - 1;
          group_has_rules = false;
        }
        const auto value = line->value;
        // Google: "*" followed by other words still names every crawler.
        const bool names_everyone =
            value.starts_with('*') &&
            (value.size() == 1 || kSpace.find(value[1]) != std::string_view::npos);
        if (names_everyone) {
          add_group_index(rules.global_groups_, *group);
        } else if (auto token = product_token(value); !token.empty()) {
          add_group_index(rules.groups_by_agent_[std::move(token)], *group);
        }
        break;
      }
      case Key::allow:
      case Key::disallow:
        if (!group) break;  // RFC 9309 §2.2.2: rules outside any group are ignored
        group_has_rules = true;
        if (!line->value.empty()) {
          rules.groups_[*group].rules.push_back(
              {make_pattern(line->value), line->key == Key::allow});
          if (line->key == Key::allow) {
            if (const auto folder = index_folder(line->value))
              rules.groups_[*group].rules.push_back({make_pattern(*folder), true});
          }
        }
        break;
      case Key::crawl_delay:
        if (!group) break;
        if (const auto delay = read_delay(line->value)) {
          auto& current = rules.groups_[*group].crawl_delay;
          current = std::max(current.value_or(0.0), *delay);
        }
        break;
      case Key::sitemap:
        if (!line->value.empty() && seen_sitemaps.insert(line->value).second) {
          rules.sitemaps_.emplace_back(line->value);
        }
        break;
      case Key::unknown:
        break;
    }
  };

  const auto text = readable_part(robots_txt);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find_first_of(kLineEnds, pos);
    if (end == std::string_view::npos) end = text.size();
    handle(text.substr(pos, std::min(end - pos, kMaxLineBytes)));
    if (end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ++end;
    pos = end + 1;
  }

  // Sorted so that, within a group, the first matching rule is the one that decides.
  for (auto& g : rules.groups_) {
    std::stable_sort(g.rules.begin(), g.rules.end(), [](const Rule& a, const Rule& b) {
      if (a.pattern.size() != b.pattern.size()) return a.pattern.size() > b.pattern.size();
      return a.allow && !b.allow;
    });
  }
  return rules;
}

RobotsRules RobotsRules::allow_all() { return RobotsRules{}; }

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.groups_.push_back(Group{{Rule{"/", false}}, std::nullopt});
  rules.global_groups_.push_back(0);
  return rules;
}

const std::vector<std::size_t>& RobotsRules::groups_for(std::string_view user_agent) const {
  if (const auto token = crawler_token(user_agent); !token.empty()) {
    const auto it = groups_by_agent_.find(token);
    if (it != groups_by_agent_.end()) return it->second;
  }
  return global_groups_;
}

bool RobotsRules::allowed(std::string_view user_agent, std::string_view url_or_path) const {
  const auto path = normalise(request_path(url_or_path), Side::path);
  // RFC 9309 §2.2.2; also what lets a crawler under disallow_all() fetch the file again.
  if (std::string_view(path).substr(0, path.find('?')) == "/robots.txt") return true;

  bool matched = false;
  bool allow = true;
  std::size_t best_length = 0;
  for (const auto index : groups_for(user_agent)) {
    for (const auto& rule : groups_[index].rules) {
      const bool improves = !matched || rule.pattern.size() > best_length ||
                            (rule.pattern.size() == best_length && rule.allow && !allow);
      if (!improves) break;  // rules are sorted, so no later rule of this group can either
      if (pattern_matches(rule.pattern, path)) {
        matched = true;
        allow = rule.allow;
        best_length = rule.pattern.size();
        break;
      }
    }
  }
  return allow;
}

std::optional<double> RobotsRules::crawl_delay(std::string_view user_agent) const {
  std::optional<double> delay;
  for (const auto index : groups_for(user_agent)) {
    if (const auto& d = groups_[index].crawl_delay) delay = std::max(delay.value_or(0.0), *d);
  }
  return delay;
}

}  // namespace yuqing::crawlers
