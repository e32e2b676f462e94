// Serves a SandboxWeb over HTTP on loopback (cpp-httplib). start() returns once the socket listens;
// stop() ends serving and joins the thread. Not copyable; one server per port.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/status.h"
#include "sandbox/web.h"

namespace httplib {
class Server;
}

namespace yuqing::sandbox {

class SandboxServer {
 public:
  explicit SandboxServer(const SandboxWeb& web);
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  Status start(const std::string& host, int port);
  void stop();
  std::string base_url() const { return base_url_; }

 private:
  const SandboxWeb& web_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string base_url_;
};

}  // namespace yuqing::sandbox
