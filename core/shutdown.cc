#include "core/shutdown.h"

#include <atomic>
#include <csignal>

namespace yuqing {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }
}  // namespace

void install_shutdown_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}
bool shutdown_requested() { return g_stop.load(); }
void request_shutdown() { g_stop.store(true); }

}  // namespace yuqing
