// Fetcher: many HTTP transfers in flight on one thread, through libcurl's multi interface.
//
// Contract
// - add() queues a request; run() drives transfers until none is queued or in flight, calling each
//   request's callback on the run() thread exactly once. Callbacks may add() more requests.
// - At most CrawlerOptions::max_in_flight transfers run at once. Bodies are decompressed (gzip,
//   deflate, br) and cut off at max_body_bytes *after* decompression: such a result has status
//   reject ("body too large") and no body.
// - Transport errors become Status (retry_later for timeouts/refused/reset, invalid for bad URLs)
//   in fetcher.cc only; HTTP statuses are reported as they are (a 404 is a successful transfer).
// - Only http and https; redirects are followed up to 5 hops.
// Not thread-safe: one Fetcher per thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace yuqing::crawlers {

struct FetchRequest {
  std::string url;
  std::string if_none_match;      // ETag from the previous fetch
  std::string if_modified_since;  // Last-Modified from the previous fetch
};

struct FetchResult {
  Status status;          // transport outcome; ok even for 4xx/5xx
  std::string url;        // requested URL
  std::string final_url;  // after redirects
  long http_status = 0;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  std::string body;
  double seconds = 0;
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult&&)>;

  explicit Fetcher(const CrawlerOptions& options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  void add(FetchRequest request, Callback done);
  void run();

  struct Transfer;  // one request's state while queued or in flight (fetcher.cc)

 private:
  void start(std::unique_ptr<Transfer> t);

  const CrawlerOptions options_;
  void* multi_ = nullptr;
  std::deque<std::unique_ptr<Transfer>> queued_;
  std::map<void*, std::unique_ptr<Transfer>> running_;
};

}  // namespace yuqing::crawlers
