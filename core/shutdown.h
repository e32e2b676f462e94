// Cooperative shutdown: SIGINT/SIGTERM set a flag that long-running loops poll between batches, so
// a stage finishes (and acknowledges) the batch in hand instead of dying half-way.
#pragma once

namespace yuqing {

void install_shutdown_handlers();
bool shutdown_requested();
void request_shutdown();

}  // namespace yuqing
