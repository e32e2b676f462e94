#include "sandbox/server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <ctime>

#include "core/hash.h"

namespace yuqing::sandbox {
namespace {

// httplib holds one pool thread per keep-alive connection; the pool must outnumber the crawler's
// connections to one site or the surplus ones wait out the keep-alive timeout.
constexpr size_t kServerThreadsPerSite = 32;
// A crawler reuses its connections; httplib's default of 5 requests per connection would make it
// reconnect all the time.
constexpr size_t kKeepAliveRequests = 1000;
constexpr int kRetryAfterSeconds = 1;
constexpr uint64_t kThrottledRequests = 1, kUnavailableRequests = 2;

std::string http_date(UnixSeconds t) {
  const std::time_t tt = std::time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<UnixSeconds> parse_http_date(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return std::nullopt;
  return UnixSeconds(timegm(&tm));
}

bool etag_matches(const std::string& header, const std::string& etag) {
  if (header == "*") return true;
  size_t start = 0;
  while (start < header.size()) {
    size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    std::string tag = header.substr(start, comma - start);
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);  // weak comparison (RFC 9110 §13.1.2)
    if (tag == etag) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

SandboxServer::SandboxServer(const SandboxWeb& web, ServeOptions options) : web_(web), options_(options) {
  for (size_t k = 0; k < kSiteNames.size(); ++k) {
    sites_.push_back(std::make_unique<Site>());
    install(int(k));
  }
}

SandboxServer::~SandboxServer() { stop(); }

UnixSeconds SandboxServer::simulated_now() const {
  const Scenario& sc = web_.scenario();
  if (options_.week_seconds <= 0) return sc.end();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return std::min(sc.end(), UnixSeconds(clock_start_ + wall / options_.week_seconds * 7 * 86400));
}

SiteStats SandboxServer::stats(int site) const {
  const Site& s = *sites_[size_t(site)];
  SiteStats out;
  out.requests = s.requests;
  out.not_modified = s.not_modified;
  out.disallowed_hits = s.disallowed_hits;
  std::lock_guard lock(s.mutex);
  out.quirk_hits = s.quirk_hits;
  out.quirk_request_times = s.quirk_request_times;
  return out;
}

void SandboxServer::install(int k) {
  Site& site = *sites_[size_t(k)];
  site.server = std::make_unique<httplib::Server>();
  site.server->new_task_queue = [] { return new httplib::ThreadPool(kServerThreadsPerSite); };
  site.server->set_keep_alive_max_count(kKeepAliveRequests);
  site.server->Get(".*", [this, k, &site](const httplib::Request& req, httplib::Response& res) {
    ++site.requests;
    if (req.path == "/_sandbox/stats") {
      const SiteStats s = stats(k);
      res.set_content(nlohmann::json{{"requests", s.requests}, {"not_modified", s.not_modified}, {"disallowed_hits", s.disallowed_hits},
                                     {"quirk_hits", s.quirk_hits}}.dump(),
                      "application/json");
      return;
    }
    for (const auto& prefix : SandboxWeb::disallowed_prefixes(k))
      if (req.path.rfind(prefix, 0) == 0) ++site.disallowed_hits;

    Request r{req.path, {}, req.get_header_value("Host"), simulated_now()};
    std::string key = req.path;
    for (const auto& [name, value] : req.params) {
      r.query.emplace(name, value);
      key += (key.size() == req.path.size() ? "?" : "&") + name + "=" + value;
    }
    key += "@" + r.host;
    // Until everything is visible the pages change with the clock, so only then are they cached.
    const bool cacheable = r.now >= web_.scenario().end();
    std::shared_ptr<const Cached> page;
    if (cacheable) {
      std::lock_guard lock(site.mutex);
      if (auto it = site.cache.find(key); it != site.cache.end()) page = it->second;
    }
    if (!page) {
      auto fresh = std::make_shared<Cached>();
      fresh->page = web_.render(k, r);
      if (fresh->page.status == 200) fresh->etag = "\"" + fingerprint(fresh->page.body) + "\"";
      page = fresh;
      if (cacheable) {
        std::lock_guard lock(site.mutex);
        site.cache.emplace(key, page);
      }
    }

    const std::string& quirk = page->page.quirk;
    if (!quirk.empty()) {
      uint64_t seen = 0;
      {
        std::lock_guard lock(site.mutex);
        seen = ++site.quirk_requests[req.path];
        site.quirk_request_times[quirk].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
        const bool applies = (quirk == "throttle-429" && seen <= kThrottledRequests) || (quirk == "unavailable-503" && seen <= kUnavailableRequests) ||
                             quirk == "slow" || quirk == "broken-html" || quirk == "huge" || quirk == "redirect";
        if (applies) ++site.quirk_hits[quirk];
      }
      if ((quirk == "throttle-429" && seen <= kThrottledRequests) || (quirk == "unavailable-503" && seen <= kUnavailableRequests)) {
        res.status = quirk == "throttle-429" ? 429 : 503;
        res.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
        res.set_content("<html><body><h1>" + std::to_string(res.status) + "</h1>请稍后再试</body></html>", "text/html; charset=utf-8");
        return;
      }
      if (quirk == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(web_.scenario().slow_ms));
    }

    const Page& p = page->page;
    res.status = p.status;
    if (!p.location.empty()) res.set_header("Location", p.location);
    if (p.status == 200) {
      res.set_header("ETag", page->etag);
      if (p.last_modified > 0) res.set_header("Last-Modified", http_date(p.last_modified));
      const std::string inm = req.get_header_value("If-None-Match");
      bool not_modified = !inm.empty() && etag_matches(inm, page->etag);
      if (inm.empty() && p.last_modified > 0) {
        auto since = parse_http_date(req.get_header_value("If-Modified-Since"));
        not_modified = since && *since >= p.last_modified;
      }
      if (not_modified) {
        ++site.not_modified;
        res.status = 304;
        return;
      }
    }
    res.set_content(p.body, p.content_type.c_str());
  });
}

Status SandboxServer::start(const std::string& host, int base_port) {
  origins_.clear();
  started_ = std::chrono::steady_clock::now();
  clock_start_ = options_.from_now ? std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()
                                   : double(web_.scenario().start);
  for (size_t k = 0; k < sites_.size(); ++k) {
    Site& site = *sites_[k];
    int port = base_port ? base_port + int(k) : site.server->bind_to_any_port(host.c_str());
    if (base_port ? !site.server->bind_to_port(host.c_str(), port) : port <= 0) {
      stop();
      return Status::invalid("sandbox: cannot listen on " + host + ":" + std::to_string(port) + " (port in use?)");
    }
    origins_.push_back("http://" + host + ":" + std::to_string(port));
  }
  // The sockets already listen after binding, so clients may connect before the threads run.
  for (auto& site : sites_) site->thread = std::thread([s = site.get()] { s->server->listen_after_bind(); });
  return Status::ok();
}

void SandboxServer::stop() {
  for (auto& site : sites_) {
    if (site->server->is_running() || site->thread.joinable()) site->server->stop();
    if (site->thread.joinable()) site->thread.join();
  }
}

}  // namespace yuqing::sandbox
