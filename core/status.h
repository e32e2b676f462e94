// Status: the project's one vocabulary for "what went wrong and what to do about it".
//
// Every adapter (libcurl, librdkafka, ClickHouse's HTTP errors, YAML) translates its own error
// codes into a Status in exactly one place, so callers decide by `kind` alone:
//   invalid     - the input is wrong (bad config, bad argument); fix it and run again.
//   retry_later - a transient fault (connection refused, timeout, 5xx, broker down); the same
//                 call may succeed later, so retry with backoff and do not lose the data.
//   reject      - this one item can never succeed (malformed JSON, schema violation); send it to
//                 the dead-letter topic and go on with the rest.
//   fatal       - the process cannot continue (misconfigured cluster, auth failure).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace yuqing {

class [[nodiscard]] Status {
 public:
  enum class Kind { ok, invalid, retry_later, reject, fatal };

  Status() = default;
  static Status ok() { return {}; }
  static Status invalid(std::string m) { return {Kind::invalid, std::move(m)}; }
  static Status retry_later(std::string m) { return {Kind::retry_later, std::move(m)}; }
  static Status reject(std::string m) { return {Kind::reject, std::move(m)}; }
  static Status fatal(std::string m) { return {Kind::fatal, std::move(m)}; }

  bool is_ok() const { return kind_ == Kind::ok; }
  explicit operator bool() const { return is_ok(); }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;
  // Status is [[nodiscard]]: a dropped failure is a compile error. For the rare call whose failure
  // is already handled or harmless, say so at the call with ignore() and a comment why.
  void ignore() const {}

 private:
  Status(Kind k, std::string m) : kind_(k), message_(std::move(m)) {}
  Kind kind_ = Kind::ok;
  std::string message_;
};

const char* to_string(Status::Kind kind);

// Thrown only at start-up (configuration, command-line) where there is nothing to retry.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace yuqing
