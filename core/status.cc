#include "core/status.h"

namespace yuqing {

const char* to_string(Status::Kind kind) {
  switch (kind) {
    case Status::Kind::ok: return "ok";
    case Status::Kind::invalid: return "invalid";
    case Status::Kind::retry_later: return "retry later";
    case Status::Kind::reject: return "rejected";
    case Status::Kind::fatal: return "fatal";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(yuqing::to_string(kind_)) + ": " + message_;
}

}  // namespace yuqing
