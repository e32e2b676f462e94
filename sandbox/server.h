// Serves a SandboxWeb over HTTP on loopback (cpp-httplib): one listening socket per site, site k on
// base port + k (docs/SANDBOX.md). It adds what a real server adds to the pages: ETag and
// Last-Modified with 304 answers to conditional GETs, the timing quirks (429/503 with Retry-After
// on the first requests, a slow answer) and, with ServeOptions::week_seconds, a simulated clock
// that releases the timeline gradually.
//
// Contract: start() returns once every socket listens (clients may connect immediately); stop()
// ends serving and joins the threads; the destructor stops. Handlers run on httplib's pool
// threads; counters and quirk state are internally synchronised. The SandboxWeb must outlive the
// server. Not copyable; one server per port range.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "sandbox/web.h"

namespace httplib {
class Server;
}

namespace yuqing::sandbox {

struct ServeOptions {
  // 0: serve the whole timeline at once. Otherwise the simulated clock starts at the timeline's
  // start when start() is called and advances one simulated week per `week_seconds` wall seconds.
  double week_seconds = 0;
  // With week_seconds: start the simulated clock at the wall clock's now (start() records it)
  // instead of the timeline's start; at 604800 (real time) a document appears at its publish time.
  bool from_now = false;
};

struct SiteStats {
  uint64_t requests = 0;
  uint64_t not_modified = 0;       // 304 answers
  uint64_t disallowed_hits = 0;    // requests for paths robots.txt disallows
  std::map<std::string, uint64_t> quirk_hits;
  // quirk -> when each request for its page arrived (seconds since start()), e.g. to see back-off.
  std::map<std::string, std::vector<double>> quirk_request_times;
};

class SandboxServer {
 public:
  explicit SandboxServer(const SandboxWeb& web, ServeOptions options = {});
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // Listens on host:base_port+k for every site k; base_port 0 picks free ports (see origins()).
  Status start(const std::string& host, int base_port);
  void stop();

  const Origins& origins() const { return origins_; }
  std::string base_url() const { return origins_.empty() ? std::string() : origins_[0]; }
  UnixSeconds simulated_now() const;
  SiteStats stats(int site) const;

 private:
  struct Cached {
    Page page;
    std::string etag;
  };
  struct Site {
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    std::atomic<uint64_t> requests{0}, not_modified{0}, disallowed_hits{0};
    mutable std::mutex mutex;                        // guards quirk state and cache below
    std::map<std::string, uint64_t> quirk_requests;  // path -> requests seen (throttle/unavailable)
    std::map<std::string, uint64_t> quirk_hits;      // quirk -> times it was applied
    std::map<std::string, std::vector<double>> quirk_request_times;
    std::map<std::string, std::shared_ptr<const Cached>> cache;  // only while everything is visible
  };

  void install(int site);

  const SandboxWeb& web_;
  ServeOptions options_;
  std::vector<std::unique_ptr<Site>> sites_;
  Origins origins_;
  std::chrono::steady_clock::time_point started_;
  double clock_start_ = 0;  // simulated time at started_ (unix seconds)
};

}  // namespace yuqing::sandbox
