// MetricsServer: serves the crawler's Prometheus text at GET /metrics over HTTP (cpp-httplib), so
// `yuqing crawl --metrics-port N` can be scraped instead of (or besides) reading metrics.prom.
//
// Contract: start() binds (port 0 picks a free one, see port()) and returns once the socket
// listens; set() replaces the text served from then on (the crawl thread calls it after every
// commit); stop() ends serving and joins the thread, and the destructor stops. Requests are answered
// on httplib's threads; the text is guarded by a mutex, so set() never waits for a slow scrape
// longer than a string copy. Anything but GET /metrics answers 404.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"

namespace httplib {
class Server;
}

namespace yuqing::crawlers {

class MetricsServer {
 public:
  MetricsServer();
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  Status start(const std::string& host, int port);
  void stop();
  int port() const { return port_; }
  void set(std::string text);

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::string text_;
  int port_ = 0;
};

}  // namespace yuqing::crawlers
