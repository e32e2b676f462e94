// Fetcher: many HTTP transfers in flight on one thread, through libcurl's multi interface. Pure
// transport: *when* and *whether* to fetch a URL (robots, rate limits, schedules) is decided by
// the caller (politeness.h, frontier.h); the fetcher only moves bytes safely.
//
// Contract
// - add() queues a request; poll() starts queued transfers (at most CrawlerOptions::max_in_flight
//   at once), waits up to the given time for network activity and calls the callback of every
//   finished transfer on the calling thread, exactly once per request. run() polls until nothing
//   is queued or in flight. Callbacks may add() more requests.
// - HTTP/1.1, and HTTP/2 where TLS negotiates it (ALPN); gzip and deflate are offered, and bodies
//   in any encoding libcurl knows (gzip, deflate, br, zstd) are decompressed and cut off at max_body_bytes *after* decompression: such a result has status
//   reject ("body too large") and no body. Connect, total and low-speed timeouts come from
//   CrawlerOptions; so do the User-Agent and an optional proxy.
// - Redirects: a request follows at most `max_redirects` hops itself (robots.txt asks for 5);
//   with 0 (the crawler's choice, so every hop goes through robots and politeness again) a 3xx
//   is returned as it is, with its resolved Location in `redirect_url`.
// - Safety: only http and https, for the request and every redirect. Unless the request sets
//   `allow_private`, a connection to a loopback, private, link-local, unspecified, CGNAT or
//   multicast address is refused when the socket is opened, so the check applies to the address
//   DNS actually returned (no rebinding tricks) and to every redirect hop; the result is status
//   reject with a message starting "refused non-public address". Behind a proxy the fetcher
//   cannot see the target's address: then only IP-literal hosts are checked.
// - The one translation of a finished transfer lives in fetcher.cc (classify_transfer): it gives
//   every result a FetchFailure reason, and the Status follows from that reason: timeouts, DNS,
//   connect, TLS and other network failures are retry_later; bad URLs and other protocols are
//   invalid; too many redirects, over-size bodies and refused addresses are reject. An HTTP error
//   status is still a successful transfer (status ok, a 404 is an answer) but has a reason
//   (http_4xx, http_429, http_5xx), so callers decide on the reason, never on message text.
// Not thread-safe: one Fetcher per thread.
#pragma once

#include <sys/socket.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"

namespace yuqing::crawlers {

struct FetchRequest {
  std::string url;
  std::string if_none_match;      // ETag from the previous fetch
  std::string if_modified_since;  // Last-Modified from the previous fetch
  int max_redirects = 0;          // hops followed inside the transfer
  bool allow_private = false;     // permit loopback/private targets (the sandbox's sources)
};

// Why a fetch did not deliver a usable answer: what classify_transfer() can tell apart.
enum class FetchFailure {
  none,                // 2xx, 3xx (incl. 304): an answer to use or follow
  // Transport failures: status not ok.
  timeout,             // connect, total or low-speed timeout
  dns,                 // host or proxy name not resolved
  connect,             // connection refused or unreachable
  tls,                 // TLS handshake or certificate failure
  transport,           // any other network failure: reset, empty reply, partial body, HTTP/2 errors
  bad_url,             // malformed URL or not http(s)
  too_many_redirects,  // more than FetchRequest::max_redirects hops
  too_large,           // body over max_body_bytes after decompression
  refused_address,     // a non-public address without allow_private
  // HTTP error answers: status ok, http_status says which.
  http_429,            // Too Many Requests
  http_4xx,            // any other status outside 200-399 (in practice 4xx)
  http_5xx,            // 500 and above
};

// The one translation (fetcher.cc uses it for every result): curl's result code (a CURLcode),
// the final HTTP status, and the fetcher's own aborts (a body over the limit, a refused address),
// which take precedence over the code they caused.
FetchFailure classify_transfer(int curl_code, long http_status, bool too_large, bool refused_address);

// Worth retrying later: timeouts and network failures, 429 and 5xx.
bool is_transient(FetchFailure failure);

std::string_view to_string(FetchFailure failure);

struct FetchResult {
  Status status;          // transport outcome; ok even for 4xx/5xx
  FetchFailure failure = FetchFailure::none;
  std::string url;        // requested URL
  std::string final_url;  // after the redirects followed inside the transfer
  std::string redirect_url;  // resolved Location of a 3xx that was not followed
  std::string primary_ip;    // address the last connection went to
  long http_status = 0;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  std::string body;
  double seconds = 0;
  long http_version = 0;  // CURL_HTTP_VERSION_* of the response
};

// True for addresses a crawler must not reach by default: IPv4 0/8, 10/8, 100.64/10, 127/8,
// 169.254/16, 172.16/12, 192.168/16, 224/4 and above; IPv6 ::, ::1, fc00::/7, fe80::/10, ff00::/8,
// and IPv4-mapped forms of the IPv4 ones.
bool is_non_public_address(const sockaddr* address);
// The same for a textual IP ("127.0.0.1", "[::1]", "::ffff:10.0.0.1"); false for host names.
bool is_non_public_ip_literal(std::string_view host);

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult&&)>;

  explicit Fetcher(const CrawlerOptions& options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  void add(FetchRequest request, Callback done);
  // Drives transfers for at most `timeout_ms` (less when one finishes); returns how many finished.
  int poll(int timeout_ms);
  void run();
  size_t pending() const { return queued_.size() + running_.size(); }
  bool has_capacity() const { return pending() < size_t(options_.max_in_flight); }

  struct Transfer;  // one request's state while queued or in flight (fetcher.cc)

 private:
  void start(std::unique_ptr<Transfer> t);

  const CrawlerOptions options_;
  void* multi_ = nullptr;
  std::deque<std::unique_ptr<Transfer>> queued_;
  std::map<void*, std::unique_ptr<Transfer>> running_;
};

}  // namespace yuqing::crawlers
