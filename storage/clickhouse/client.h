// ClickHouse adapter: statements over ClickHouse's HTTP interface through libcurl.
//
// Contract
// - execute() sends one statement; for INSERT ... FORMAT X the rows travel in `data`. It returns
//   when ClickHouse answered: an ok Status means the statement (and so every row of an INSERT) was
//   accepted. Nothing is retried here; callers decide, by Status kind:
//     retry_later - connection refused/reset, timeouts, 5xx without a code, and ClickHouse codes for
//                   overload or transient trouble (timeouts, too many parts, memory limit...)
//     reject      - the data cannot be parsed (CANNOT_PARSE_*, INCORRECT_DATA...)
//     invalid     - the statement is wrong (syntax, unknown table or column)
//     fatal       - authentication and authorisation failures
//   The translation of curl codes, HTTP statuses and ClickHouse's "Code: N" lives in client.cc only.
// - Credentials go in HTTP Basic auth, never in the URL. Settings from the options are sent with
//   every statement as URL parameters. INSERT data of 1 KiB or more is gzip-compressed
//   (Content-Encoding: gzip; ClickHouse, 18.16 included, decompresses request bodies without any
//   setting) when options.compress is "true", or "auto" and the last statement was not answered
//   from a loopback address: on loopback gzip saves no network and costs CPU on both sides (the
//   sink's 200,000-row benchmark on 2 cores: about 8 s of CPU over sink, ClickHouse and broker with
//   gzip, about 6 s without; docs/BENCHMARKS.md). TLS: an https:// url, verified against options.ca_file or
//   the system store unless verify_tls is false.
// - One Client per thread (it owns a curl easy handle and reuses its connection).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"

namespace yuqing::clickhouse {

struct Response {
  Status status;
  std::string body;    // result rows on success, ClickHouse's message on failure
  int http_status = 0;
  int code = 0;        // ClickHouse error code, 0 if none
};

class Client {
 public:
  explicit Client(ClickHouseOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Response execute(std::string_view statement, std::string_view data = {});
  const ClickHouseOptions& options() const { return options_; }
  // Whether the next INSERT body of 1 KiB or more is sent gzip'd (options.compress, see above).
  bool compresses_inserts() const;

 private:
  ClickHouseOptions options_;
  void* curl_ = nullptr;
  bool loopback_ = false;  // the last answer came from a loopback address
};

// Status for a ClickHouse error code (exposed for tests of the translation).
Status classify_clickhouse_error(int code, const std::string& message);
// Extracts N from "Code: N, e.displayText() = ..." (0 when absent).
int parse_error_code(std::string_view body);
// 'text' quoted as a ClickHouse string literal (backslash and quote escaped).
std::string quote(std::string_view text);

}  // namespace yuqing::clickhouse
