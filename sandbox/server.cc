#include "sandbox/server.h"

#include <httplib.h>

namespace yuqing::sandbox {

// httplib holds one pool thread per keep-alive connection; the pool must outnumber the crawler's
// connections or the surplus ones wait out the keep-alive timeout.
constexpr size_t kServerThreads = 64;

SandboxServer::SandboxServer(const SandboxWeb& web) : web_(web), server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    auto page = web_.page(req.path);
    if (!page) {
      res.status = 404;
      res.set_content("<html><body><h1>404</h1></body></html>", "text/html; charset=utf-8");
      return;
    }
    res.status = page->status;
    res.set_content(page->body, page->content_type.c_str());
  });
}

SandboxServer::~SandboxServer() { stop(); }

Status SandboxServer::start(const std::string& host, int port) {
  if (!server_->bind_to_port(host.c_str(), port))
    return Status::invalid("sandbox: cannot listen on " + host + ":" + std::to_string(port) + " (port in use?)");
  base_url_ = "http://" + host + ":" + std::to_string(port);
  // The socket already listens after bind_to_port, so clients may connect before the thread runs.
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::ok();
}

void SandboxServer::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace yuqing::sandbox
