#include "crawlers/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "crawlers/url.h"

namespace yuqing::crawlers {

struct Fetcher::Transfer {
  FetchRequest request;
  Callback done;
  FetchResult result;
  curl_slist* headers = nullptr;
  long max_body = 0;
  bool too_large = false;
  bool check_address = true;
  std::string refused_address;

  ~Transfer() { curl_slist_free_all(headers); }
};

namespace {

bool non_public_v4(uint32_t a) {  // host byte order
  const uint32_t first = a >> 24;
  return first == 0 || first == 10 || first == 127 || first >= 224 || (a & 0xFFC00000u) == 0x64400000u ||
         (a & 0xFFFF0000u) == 0xA9FE0000u || (a & 0xFFF00000u) == 0xAC100000u || (a & 0xFFFF0000u) == 0xC0A80000u;
}

bool non_public_v6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kMappedPrefix, 12) == 0) return non_public_v4(uint32_t(b[12]) << 24 | b[13] << 16 | b[14] << 8 | b[15]);
  if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a)) return true;
  return (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || b[0] == 0xFF;
}

curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Fetcher::Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && t->check_address && is_non_public_address(&address->addr)) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
    else if (address->family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
    t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Fetcher::Transfer*>(user);
  if (long(t->result.body.size() + size * n) > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->result.body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Fetcher::Transfer*>(user);
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget the previous headers
      t->result.etag.clear();
      t->result.last_modified.clear();
      t->result.retry_after.clear();
    }
    return size * n;
  }
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t\r\n") + 1);
  if (name == "etag") t->result.etag = value;
  if (name == "last-modified") t->result.last_modified = value;
  if (name == "retry-after") t->result.retry_after = value;
  return size * n;
}

// The Status of a result, from its reason; the message keeps curl's words for the log.
Status transfer_status(FetchFailure failure, CURLcode code, const Fetcher::Transfer& t) {
  const std::string& url = t.result.url;
  const std::string msg = url + ": " + curl_easy_strerror(code);
  switch (failure) {
    case FetchFailure::none:
    case FetchFailure::http_429:
    case FetchFailure::http_4xx:
    case FetchFailure::http_5xx:
      return Status::ok();
    case FetchFailure::too_large:
      if (t.too_large) return Status::reject(url + ": body larger than " + std::to_string(t.max_body) + " bytes");
      return Status::reject(msg);
    case FetchFailure::refused_address:
      return Status::reject("refused non-public address " + t.refused_address + " for " + url);
    case FetchFailure::too_many_redirects:
      return Status::reject(msg);
    case FetchFailure::bad_url:
      return Status::invalid(msg);
    case FetchFailure::timeout:
    case FetchFailure::dns:
    case FetchFailure::connect:
    case FetchFailure::tls:
    case FetchFailure::transport:
      break;
  }
  return Status::retry_later(msg);
}

void classify(FetchResult& r, CURLcode code, const Fetcher::Transfer& t) {
  r.failure = classify_transfer(code, r.http_status, t.too_large, !t.refused_address.empty());
  r.status = transfer_status(r.failure, code, t);
}

}  // namespace

FetchFailure classify_transfer(int curl_code, long http_status, bool too_large, bool refused_address) {
  // The fetcher's own aborts first: they surface as whatever curl made of them (a write error,
  // a failed connect).
  if (too_large) return FetchFailure::too_large;
  if (refused_address) return FetchFailure::refused_address;
  switch (CURLcode(curl_code)) {
    case CURLE_OK:
      if (http_status == 429) return FetchFailure::http_429;
      if (http_status >= 500) return FetchFailure::http_5xx;
      if (http_status >= 400 || http_status < 200) return FetchFailure::http_4xx;
      return FetchFailure::none;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchFailure::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchFailure::dns;
    case CURLE_COULDNT_CONNECT:
      return FetchFailure::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return FetchFailure::tls;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return FetchFailure::bad_url;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchFailure::too_many_redirects;
    case CURLE_FILESIZE_EXCEEDED:  // CURLOPT_MAXFILESIZE is not set; on_body enforces the limit
      return FetchFailure::too_large;
    default:
      return FetchFailure::transport;
  }
}

bool is_transient(FetchFailure failure) {
  switch (failure) {
    case FetchFailure::timeout:
    case FetchFailure::dns:
    case FetchFailure::connect:
    case FetchFailure::tls:
    case FetchFailure::transport:
    case FetchFailure::http_429:
    case FetchFailure::http_5xx:
      return true;
    case FetchFailure::none:
    case FetchFailure::bad_url:
    case FetchFailure::too_many_redirects:
    case FetchFailure::too_large:
    case FetchFailure::refused_address:
    case FetchFailure::http_4xx:
      return false;
  }
  return false;
}

std::string_view to_string(FetchFailure failure) {
  switch (failure) {
    case FetchFailure::none: return "none";
    case FetchFailure::timeout: return "timeout";
    case FetchFailure::dns: return "dns";
    case FetchFailure::connect: return "connect";
    case FetchFailure::tls: return "tls";
    case FetchFailure::transport: return "transport";
    case FetchFailure::bad_url: return "bad_url";
    case FetchFailure::too_many_redirects: return "too_many_redirects";
    case FetchFailure::too_large: return "too_large";
    case FetchFailure::refused_address: return "refused_address";
    case FetchFailure::http_429: return "http_429";
    case FetchFailure::http_4xx: return "http_4xx";
    case FetchFailure::http_5xx: return "http_5xx";
  }
  return "?";
}

bool is_non_public_address(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return non_public_v4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  if (address->sa_family == AF_INET6) return non_public_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  return true;  // AF_UNIX and friends are never a web page
}

bool is_non_public_ip_literal(std::string_view host) {
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return non_public_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return non_public_v6(v6);
  return false;
}

Fetcher::Fetcher(const CrawlerOptions& options) : options_(options) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)global;
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : running_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  curl_multi_cleanup(multi_);
}

void Fetcher::add(FetchRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->result.url = request.url;
  t->request = std::move(request);
  t->done = std::move(done);
  t->max_body = options_.max_body_bytes;
  t->check_address = !t->request.allow_private;
  queued_.push_back(std::move(t));
}

void Fetcher::start(std::unique_ptr<Transfer> t) {
  CURL* e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t->request.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, long(t->request.max_redirects));
  // Offered: gzip and deflate, cheap for servers to produce. libcurl still decodes br and zstd
  // when a server sends them anyway; offering br made some servers spend seconds compressing
  // multi-megabyte pages at brotli's highest quality (the sandbox's 4 MB page: 7.6 s vs 0.07 s).
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(options_.timeout_ms));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 64L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 20L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  if (!options_.proxy.empty()) {
    curl_easy_setopt(e, CURLOPT_PROXY, options_.proxy.c_str());
    // The socket goes to the proxy, whose address says nothing about the target.
    t->check_address = false;
    if (!t->request.allow_private && is_non_public_ip_literal(url_host(t->request.url)))
      t->refused_address = url_host(t->request.url);
  }
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  if (!t->request.if_none_match.empty())
    t->headers = curl_slist_append(t->headers, ("If-None-Match: " + t->request.if_none_match).c_str());
  if (!t->request.if_modified_since.empty())
    t->headers = curl_slist_append(t->headers, ("If-Modified-Since: " + t->request.if_modified_since).c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  if (!t->refused_address.empty()) {  // an IP literal behind a proxy: refuse without a transfer
    curl_easy_cleanup(e);
    classify(t->result, CURLE_OK, *t);
    t->done(std::move(t->result));
    return;
  }
  curl_multi_add_handle(multi_, e);
  running_[e] = std::move(t);
}

int Fetcher::poll(int timeout_ms) {
  while (!queued_.empty() && running_.size() < size_t(options_.max_in_flight)) {
    auto t = std::move(queued_.front());
    queued_.pop_front();
    start(std::move(t));
  }
  int still_running = 0;
  curl_multi_perform(multi_, &still_running);
  int finished = 0;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* e = msg->easy_handle;
    auto node = running_.extract(e);
    std::unique_ptr<Transfer> t = std::move(node.mapped());
    FetchResult& r = t->result;
    if (t->too_large) r.body.clear();
    char* s = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s) r.final_url = s;
    if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s) r.content_type = s;
    if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &s) == CURLE_OK && s) r.redirect_url = s;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &s) == CURLE_OK && s) r.primary_ip = s;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.http_status);
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &r.http_version);
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &r.seconds);
    classify(r, msg->data.result, *t);
    curl_multi_remove_handle(multi_, e);
    curl_easy_cleanup(e);
    ++finished;
    t->done(std::move(r));
  }
  if (finished == 0 && still_running > 0) curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
  return finished;
}

void Fetcher::run() {
  while (pending() > 0) poll(100);
}

}  // namespace yuqing::crawlers
