// URLs as the crawler sees them: resolution of links against their page, canonical forms for
// identity, origins for politeness, and the one edit the crawler makes (a query parameter).
// Parsing is libcurl's URL API (CURLU); this file only decides what "the same page" means.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yuqing::crawlers {

// Resolves `href` against `base`; nullopt for non-http(s) targets (mailto:, javascript:, data:) or junk.
std::optional<std::string> resolve_url(std::string_view base, std::string_view href);

// Canonical form: lower-case scheme and host, default port dropped, empty path as "/", fragment
// removed, tracking parameters (utm_*, spm, from, share_token...) removed, remaining query kept in
// its order. nullopt when not an http(s) URL.
std::optional<std::string> canonical_url(std::string_view url);

// Lower-case host of an http(s) URL, or "" when it has none.
std::string url_host(std::string_view url);

// "http://Example.cn:80/a" -> "http://example.cn": scheme, lower-case host and a port that is not
// the default; "" for a non-http(s) URL. Politeness and the frontier count per origin.
std::string url_origin(std::string_view url);

// `url` with query parameter `name` set to `value` (percent-encoded): earlier `name` pairs are
// removed, the other pairs keep their order (empty ones dropped), the new pair comes last. Used to
// page a comment API by cursor. `url` must have no fragment (canonical_url() removes it).
std::string set_query_param(const std::string& url, const std::string& name, const std::string& value);

}  // namespace yuqing::crawlers
