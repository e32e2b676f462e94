#include "crawlers/metrics_server.h"

#include <httplib.h>

namespace yuqing::crawlers {

MetricsServer::MetricsServer() : server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text;
    {
      std::lock_guard lock(mutex_);
      text = text_;
    }
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });
}

MetricsServer::~MetricsServer() { stop(); }

Status MetricsServer::start(const std::string& host, int port) {
  port_ = port ? (server_->bind_to_port(host.c_str(), port) ? port : -1) : server_->bind_to_any_port(host.c_str());
  if (port_ <= 0) return Status::invalid("metrics: cannot listen on " + host + ":" + std::to_string(port) + " (port in use?)");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::ok();
}

void MetricsServer::stop() {
  if (server_->is_running() || thread_.joinable()) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void MetricsServer::set(std::string text) {
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

}  // namespace yuqing::crawlers
