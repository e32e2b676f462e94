#include "crawlers/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace yuqing::crawlers {

struct Fetcher::Transfer {
  FetchRequest request;
  Callback done;
  FetchResult result;
  curl_slist* headers = nullptr;
  long max_body = 0;
  bool too_large = false;

  ~Transfer() { curl_slist_free_all(headers); }
};

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Fetcher::Transfer*>(user);
  if (long(t->result.body.size() + size * n) > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->result.body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Fetcher::Transfer*>(user);
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget the previous headers
      t->result.etag.clear();
      t->result.last_modified.clear();
      t->result.retry_after.clear();
    }
    return size * n;
  }
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t\r\n") + 1);
  if (name == "etag") t->result.etag = value;
  if (name == "last-modified") t->result.last_modified = value;
  if (name == "retry-after") t->result.retry_after = value;
  return size * n;
}

// The one translation of curl transfer results into Status.
Status from_curl(CURLcode code, const std::string& url) {
  if (code == CURLE_OK) return Status::ok();
  const std::string msg = url + ": " + curl_easy_strerror(code);
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::invalid(msg);
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_FILESIZE_EXCEEDED:
      return Status::reject(msg);
    default:
      return Status::retry_later(msg);
  }
}

}  // namespace

Fetcher::Fetcher(const CrawlerOptions& options) : options_(options) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)global;
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : running_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  curl_multi_cleanup(multi_);
}

void Fetcher::add(FetchRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->result.url = request.url;
  t->request = std::move(request);
  t->done = std::move(done);
  t->max_body = options_.max_body_bytes;
  queued_.push_back(std::move(t));
}

void Fetcher::start(std::unique_ptr<Transfer> t) {
  CURL* e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl can decode
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(options_.timeout_ms));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 64L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 20L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  if (!t->request.if_none_match.empty())
    t->headers = curl_slist_append(t->headers, ("If-None-Match: " + t->request.if_none_match).c_str());
  if (!t->request.if_modified_since.empty())
    t->headers = curl_slist_append(t->headers, ("If-Modified-Since: " + t->request.if_modified_since).c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_multi_add_handle(multi_, e);
  running_[e] = std::move(t);
}

void Fetcher::run() {
  while (!queued_.empty() || !running_.empty()) {
    while (!queued_.empty() && running_.size() < size_t(options_.max_in_flight)) {
      start(std::move(queued_.front()));
      queued_.pop_front();
    }
    int still_running = 0;
    curl_multi_perform(multi_, &still_running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      auto node = running_.extract(e);
      std::unique_ptr<Transfer> t = std::move(node.mapped());
      FetchResult& r = t->result;
      r.status = t->too_large ? Status::reject(r.url + ": body larger than " + std::to_string(t->max_body) + " bytes")
                              : from_curl(msg->data.result, r.url);
      if (t->too_large) r.body.clear();
      char* s = nullptr;
      if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s) r.final_url = s;
      if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s) r.content_type = s;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.http_status);
      curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &r.seconds);
      curl_multi_remove_handle(multi_, e);
      curl_easy_cleanup(e);
      t->done(std::move(r));
    }
    if (still_running > 0 || (!running_.empty() && queued_.empty())) curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
  }
}

}  // namespace yuqing::crawlers
