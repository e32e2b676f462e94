// The dashboard's HTTP server (cpp-httplib): the page, its static files, login and the JSON API.
//
// Contract
// - Everything under /api/ except POST /api/login needs a live session cookie or
//   "Authorization: Bearer <token>"; without one the answer is 401 {"error": ...}.
// - Static files are a fixed list (index.html, app.js, style.css, echarts.min.js from the
//   installed npm package) read from web_dir: a request path never becomes a file path, and paths
//   holding "..", encoded or not, or a backslash are refused with 400 before routing.
// - Every reply carries a Content-Security-Policy allowing only this origin's scripts (no inline
//   script), nosniff, no framing and no referrer, so a scraped text that slipped into markup
//   still could not run, and links to the original sites do not leak dashboard URLs.
// - One ClickHouse client per worker thread; start() returns once the socket listens.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/config.h"

namespace httplib {
class Server;
}

namespace yuqing::server {

class DashboardServer {
 public:
  DashboardServer(ClickHouseOptions clickhouse, ServerConfig config, std::unique_ptr<Auth> auth);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // A route whose handler reads the raw request body, added by the composing layer (the CLI adds
  // POST /api/ingest from ingest/): the server authenticates the caller (401 otherwise) and refuses
  // a body over `max_body` bytes with 413 before the handler runs. Call before start().
  using BodyHandler = std::function<ApiReply(const std::string& body, const ApiRequest& request)>;
  void add_body_route(std::string path, size_t max_body, std::string summary, BodyHandler handler);

  // port 0 picks a free one; port() tells which.
  Status start(const std::string& host, int port);
  int port() const { return port_; }
  void stop();

 private:
  void install();

  struct BodyRoute {
    std::string path;
    size_t max_body;
    std::string summary;
    BodyHandler handler;
  };
  std::vector<BodyRoute> body_routes_;

  ClickHouseOptions clickhouse_;
  ServerConfig config_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace yuqing::server
