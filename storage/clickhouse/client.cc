#include "storage/clickhouse/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>

#include "core/gzip.h"

namespace yuqing::clickhouse {
namespace {

// Below this, gzip's header and the CPU are not worth it.
constexpr size_t kCompressFromBytes = 1024;

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string url_encode(CURL* curl, std::string_view s) {
  char* e = curl_easy_escape(curl, s.data(), int(s.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

// 127.0.0.0/8, ::1 and their IPv4-mapped form: the address curl connected to.
bool is_loopback(std::string_view ip) {
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return ip.starts_with("127.") || ip == "::1";
}

// The one translation of curl results into Status (HTTP-level problems are handled by the caller).
Status from_curl(CURLcode code, const std::string& url) {
  switch (code) {
    case CURLE_OK: return Status::ok();
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::invalid("clickhouse url " + url + ": " + curl_easy_strerror(code));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return Status::fatal("clickhouse at " + url + ": " + curl_easy_strerror(code));
    default:
      return Status::retry_later("clickhouse at " + url + ": " + curl_easy_strerror(code));
  }
}

}  // namespace

int parse_error_code(std::string_view body) {
  const auto pos = body.find("Code: ");
  if (pos == std::string_view::npos) return 0;
  int code = 0;
  const char* begin = body.data() + pos + 6;
  std::from_chars(begin, body.data() + body.size(), code);
  return code;
}

Status classify_clickhouse_error(int code, const std::string& message) {
  // Codes from ClickHouse's src/Common/ErrorCodes.cpp; stable across versions.
  static constexpr std::array kRetriable = {
      159,  // TIMEOUT_EXCEEDED
      164,  // READONLY (replica temporarily read-only)
      202,  // TOO_MANY_SIMULTANEOUS_QUERIES
      209,  // SOCKET_TIMEOUT
      210,  // NETWORK_ERROR
      241,  // MEMORY_LIMIT_EXCEEDED
      242,  // TABLE_IS_READ_ONLY
      252,  // TOO_MANY_PARTS
      319,  // UNKNOWN_STATUS_OF_INSERT
      425,  // SYSTEM_ERROR
      999,  // KEEPER_EXCEPTION
  };
  static constexpr std::array kRejected = {
      6,    // CANNOT_PARSE_TEXT
      26,   // CANNOT_PARSE_QUOTED_STRING
      27,   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
      32,   // ATTEMPT_TO_READ_AFTER_EOF
      38,   // CANNOT_PARSE_DATE
      41,   // CANNOT_PARSE_DATETIME
      53,   // TYPE_MISMATCH
      69,   // ARGUMENT_OUT_OF_BOUND
      72,   // CANNOT_PARSE_NUMBER
      117,  // INCORRECT_DATA
      131,  // TOO_LARGE_STRING_SIZE
  };
  static constexpr std::array kFatal = {
      192,  // UNKNOWN_USER
      193,  // WRONG_PASSWORD
      194,  // REQUIRED_PASSWORD
      195,  // IP_ADDRESS_NOT_ALLOWED
      497,  // ACCESS_DENIED
      516,  // AUTHENTICATION_FAILED
  };
  const std::string text = "ClickHouse error " + std::to_string(code) + ": " + message;
  auto in = [code](const auto& list) { return std::find(list.begin(), list.end(), code) != list.end(); };
  if (in(kRetriable)) return Status::retry_later(text);
  if (in(kRejected)) return Status::reject(text);
  if (in(kFatal)) return Status::fatal(text);
  return Status::invalid(text);
}

std::string quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

Client::Client(ClickHouseOptions options) : options_(std::move(options)) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)global;
  curl_ = curl_easy_init();
}

Client::~Client() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

bool Client::compresses_inserts() const {
  return options_.compress == "true" || (options_.compress == "auto" && !loopback_);
}

Response Client::execute(std::string_view statement, std::string_view data) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  Response r;

  // The statement goes in the body when there is no data, else in the URL so the data can stream.
  std::string url = options_.url;
  if (url.empty() || url.back() != '/') url.push_back('/');
  url += "?database=" + url_encode(curl, options_.database);
  for (const auto& [k, v] : options_.settings) url += "&" + url_encode(curl, k) + "=" + url_encode(curl, v);
  std::string body;
  struct curl_slist* headers = nullptr;
  if (data.empty()) {
    body.assign(statement);
  } else {
    url += "&query=" + url_encode(curl, statement);
    // Level 1: the sink is CPU-bound long before the network is, and text compresses ~4x even so.
    if (compresses_inserts() && data.size() >= kCompressFromBytes) {
      body = gzip(data, 1);
      headers = curl_slist_append(headers, "Content-Encoding: gzip");
    } else {
      body.assign(data);
    }
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, &curl_slist_free_all);
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);

  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    r.status = from_curl(rc, options_.url);
    return r;
  }
  const char* ip = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) loopback_ = is_loopback(ip);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  r.http_status = int(http);
  if (http == 200) return r;

  r.code = parse_error_code(r.body);
  std::string message = r.body.substr(0, 2000);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (r.code != 0) {
    r.status = classify_clickhouse_error(r.code, message);
  } else if (http >= 500 || http == 429) {
    r.status = Status::retry_later("clickhouse HTTP " + std::to_string(http) + ": " + message);
  } else if (http == 401 || http == 403) {
    r.status = Status::fatal("clickhouse HTTP " + std::to_string(http) + ": " + message);
  } else {
    r.status = Status::invalid("clickhouse HTTP " + std::to_string(http) + ": " + message);
  }
  return r;
}

}  // namespace yuqing::clickhouse
