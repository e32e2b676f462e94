// URLs as the crawler sees them: resolution of links against their page and canonical forms for
// identity. Parsing is libcurl's URL API (CURLU); this file only decides what "the same page" means.
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

}  // namespace yuqing::crawlers
