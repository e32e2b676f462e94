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
// - The one translation of curl results into Status lives in fetcher.cc: timeouts, refused and
//   reset connections, DNS failures are retry_later; bad URLs and other protocols are invalid;
//   too many redirects, over-size bodies and refused addresses are reject. HTTP statuses are
//   reported as they are (a 404 is a successful transfer).
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

struct FetchResult {
  Status status;          // transport outcome; ok even for 4xx/5xx
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
