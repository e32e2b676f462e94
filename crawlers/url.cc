#include "crawlers/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <sstream>
#include <vector>

namespace yuqing::crawlers {
namespace {

using UrlPtr = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

std::string part(CURLU* u, CURLUPart what, unsigned flags = 0) {
  char* p = nullptr;
  if (curl_url_get(u, what, &p, flags) != CURLUE_OK || !p) return {};
  std::string out(p);
  curl_free(p);
  return out;
}

bool is_http(CURLU* u) {
  const std::string scheme = part(u, CURLUPART_SCHEME);
  return scheme == "http" || scheme == "https";
}

bool is_tracking_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kExact = {"spm", "from", "share_token", "fbclid", "gclid",
                                                             "wfr", "scene", "_t", "timestamp"};
  return name.rfind("utm_", 0) == 0 || std::find(kExact.begin(), kExact.end(), name) != kExact.end();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

std::optional<std::string> resolve_url(std::string_view base, std::string_view href) {
  std::string h(href);
  h.erase(0, h.find_first_not_of(" \t\r\n"));
  h.erase(h.find_last_not_of(" \t\r\n") + 1);
  if (h.empty()) return std::nullopt;
  UrlPtr u(curl_url(), &curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(base).c_str(), 0) != CURLUE_OK) return std::nullopt;
  if (curl_url_set(u.get(), CURLUPART_URL, h.c_str(), CURLU_URLENCODE) != CURLUE_OK) return std::nullopt;
  if (!is_http(u.get())) return std::nullopt;
  return part(u.get(), CURLUPART_URL);
}

std::optional<std::string> canonical_url(std::string_view url) {
  UrlPtr u(curl_url(), &curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), CURLU_URLENCODE) != CURLUE_OK) return std::nullopt;
  if (!is_http(u.get())) return std::nullopt;
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_HOST, lower(part(u.get(), CURLUPART_HOST)).c_str(), 0);
  const std::string query = part(u.get(), CURLUPART_QUERY);
  if (!query.empty()) {
    std::string kept;
    std::istringstream in(query);
    for (std::string pair; std::getline(in, pair, '&');) {
      if (pair.empty() || is_tracking_parameter(pair.substr(0, pair.find('=')))) continue;
      if (!kept.empty()) kept.push_back('&');
      kept += pair;
    }
    curl_url_set(u.get(), CURLUPART_QUERY, kept.empty() ? nullptr : kept.c_str(), 0);
  }
  // CURLU_NO_DEFAULT_PORT drops :80 for http and :443 for https.
  char* out = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &out, CURLU_NO_DEFAULT_PORT) != CURLUE_OK) return std::nullopt;
  std::string s(out);
  curl_free(out);
  return s;
}

std::string url_host(std::string_view url) {
  UrlPtr u(curl_url(), &curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), CURLU_URLENCODE) != CURLUE_OK) return {};
  return lower(part(u.get(), CURLUPART_HOST));
}

std::string url_origin(std::string_view url) {
  CURLU* u = curl_url();
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, std::string(url).c_str(), CURLU_URLENCODE) == CURLUE_OK) {
    char *scheme = nullptr, *host = nullptr, *port = nullptr;
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
    if (scheme && host && (std::string_view(scheme) == "http" || std::string_view(scheme) == "https")) {
      std::string h(host);
      std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return char(std::tolower(c)); });
      out = std::string(scheme) + "://" + h + (port ? ":" + std::string(port) : "");
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return out;
}

std::string set_query_param(const std::string& url, const std::string& name, const std::string& value) {
  const size_t q = url.find('?');
  std::string base = url.substr(0, q), out;
  if (q != std::string::npos) {
    std::string query = url.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      const size_t amp = query.find('&', start);
      const std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!pair.empty() && pair.substr(0, pair.find('=')) != name) out += (out.empty() ? "" : "&") + pair;
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  char* escaped = curl_easy_escape(nullptr, value.c_str(), int(value.size()));
  out += (out.empty() ? "" : "&") + name + "=" + escaped;
  curl_free(escaped);
  return base + "?" + out;
}

}  // namespace yuqing::crawlers
