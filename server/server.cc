#include "server/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "server/api.h"
#include "storage/clickhouse/client.h"

namespace yuqing::server {
namespace {

using nlohmann::json;

constexpr size_t kWorkerThreads = 32;
// Logins and alert changes are small; a large body is a mistake or an attack. Body routes
// (add_body_route) set their own limit.
constexpr size_t kMaxJsonBody = 64 * 1024;

struct StaticFile {
  const char* path;       // URL path
  const char* file;       // under web_dir
  const char* mime;
};
constexpr StaticFile kStaticFiles[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/index.html", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "style.css", "text/css; charset=utf-8"},
    {"/vendor/echarts.min.js", "node_modules/echarts/dist/echarts.min.js", "text/javascript; charset=utf-8"},
};

void security_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

// "..", "%2e%2e" (any case, after one or two rounds of decoding) and backslashes are refused.
bool is_traversal(const httplib::Request& req) {
  std::string raw = req.target.substr(0, req.target.find('?'));
  for (int round = 0; round < 3; ++round) {
    if (raw.find("..") != std::string::npos || raw.find('\\') != std::string::npos) return true;
    raw = httplib::detail::decode_url(raw, false);
  }
  return req.path.find("..") != std::string::npos || raw.find("..") != std::string::npos;
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

// httplib's {id}: a regex of one path segment.
std::string route_pattern(const std::string& path) {
  std::string out = path;
  if (const auto at = out.find("{id}"); at != std::string::npos) out.replace(at, 4, "([^/]+)");
  return out;
}

}  // namespace

DashboardServer::DashboardServer(ClickHouseOptions clickhouse, ServerConfig config, std::unique_ptr<Auth> auth)
    : clickhouse_(std::move(clickhouse)), config_(std::move(config)), auth_(std::move(auth)) {}

DashboardServer::~DashboardServer() { stop(); }

void DashboardServer::add_body_route(std::string path, size_t max_body, std::string summary, BodyHandler handler) {
  body_routes_.push_back({std::move(path), max_body, std::move(summary), std::move(handler)});
}

void DashboardServer::install() {
  http_ = std::make_unique<httplib::Server>();
  auto& http = *http_;
  // httplib's one limit is the largest any route accepts (answered 413 by httplib); each route
  // checks its own below.
  size_t max_body = kMaxJsonBody;
  for (const auto& r : body_routes_) max_body = std::max(max_body, r.max_body);
  http.set_payload_max_length(max_body);
  // A kept-alive connection holds a worker thread while idle: with httplib's default pool (8 on
  // this machine) and 5 requests per connection, 10 concurrent clients waited up to 3 s for a
  // thread (tests/bench/api_bench.mjs). Browsers open up to 6 connections each.
  http.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  http.set_keep_alive_max_count(100);
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    security_headers(res);
    if (!is_traversal(req)) return httplib::Server::HandlerResponse::Unhandled;
    send_json(res, 400, {{"error", "path: '..' and backslashes are not allowed"}});
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("serve: {} {} -> {}", req.method, req.path, res.status);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("serve: {}", what);
    send_json(res, 500, {{"error", "internal error"}});
  });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") send_json(res, res.status, {{"error", "path: no such endpoint"}});
    else res.set_content(std::to_string(res.status) + "\n", "text/plain; charset=utf-8");
  });

  for (const auto& f : kStaticFiles) {
    const std::filesystem::path file = config_.resolve(config_.web_dir) / f.file;
    http.Get(f.path, [file, mime = f.mime](const httplib::Request&, httplib::Response& res) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        res.status = 404;
        res.set_content("missing " + file.filename().string() + " (run scripts/setup.sh)\n", "text/plain; charset=utf-8");
        return;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      res.set_header("Cache-Control", "no-cache");
      res.set_content(ss.str(), mime);
    });
  }

  http.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("user") || !body.contains("password") || !body["user"].is_string() ||
        !body["password"].is_string())
      return send_json(res, 400, {{"error", "body: expected {\"user\": ..., \"password\": ...}"}});
    const std::string user = body["user"].get<std::string>();
    if (!auth_->check_password(user, body["password"].get<std::string>())) {
      spdlog::warn("serve: failed login for '{}' from {}", user.substr(0, 64), req.remote_addr);
      return send_json(res, 401, {{"error", "user or password: wrong"}});
    }
    res.set_header("Set-Cookie", auth_->cookie(auth_->open_session(user, now_seconds())));
    send_json(res, 200, {{"user", user}, {"poll_seconds", config_.poll_seconds}});
  });
  http.Post("/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
    auth_->close_session(cookie_value(req, kSessionCookie));
    res.set_header("Set-Cookie", auth_->cookie(""));
    send_json(res, 200, {{"user", nullptr}});
  });

  // Who is asking: the session's user, or "api-token"; "" = nobody.
  auto who = [this](const httplib::Request& req) -> std::string {
    const std::string authorization = req.get_header_value("Authorization");
    if (authorization.rfind("Bearer ", 0) == 0) return auth_->check_bearer(authorization.substr(7)) ? "api-token" : "";
    return auth_->session_user(cookie_value(req, kSessionCookie), now_seconds()).value_or("");
  };
  http.Get("/api/me", [this, who](const httplib::Request& req, httplib::Response& res) {
    const std::string user = who(req);
    if (user.empty()) return send_json(res, 401, {{"error", "login required"}});
    send_json(res, 200, {{"user", user}, {"poll_seconds", config_.poll_seconds}});
  });

  for (const auto& e : endpoints()) {
    auto handler = [this, who, &e](const httplib::Request& req, httplib::Response& res) {
      ApiRequest r;
      r.user = who(req);
      if (r.user.empty()) return send_json(res, 401, {{"error", "login required"}});
      if (req.body.size() > kMaxJsonBody) return send_json(res, 413, {{"error", "body: larger than 64 KiB"}});
      for (const auto& [name, value] : req.params) r.params.emplace_back(name, value);
      if (req.matches.size() > 1) r.id = req.matches[1];
      r.body = json::object();
      if (!req.body.empty()) {
        r.body = json::parse(req.body, nullptr, false);
        if (!r.body.is_object()) return send_json(res, 400, {{"error", "body: expected a JSON object"}});
      }
      // One client (and kept-alive connection) per worker thread and server.
      thread_local std::pair<const void*, std::unique_ptr<clickhouse::Client>> client;
      if (client.first != this || !client.second) client = {this, std::make_unique<clickhouse::Client>(clickhouse_)};
      const ApiReply reply = e.handler(*client.second, r);
      if (reply.status >= 500) spdlog::warn("serve: {} {}: {}", req.method, req.path, reply.body.dump());
      send_json(res, reply.status, reply.body);
    };
    if (std::string(e.method) == "POST") http.Post(route_pattern(e.path), handler);
    else http.Get(route_pattern(e.path), handler);
  }
  for (const auto& route : body_routes_) {
    http.Post(route.path, [who, &route](const httplib::Request& req, httplib::Response& res) {
      ApiRequest r;
      r.user = who(req);
      if (r.user.empty()) return send_json(res, 401, {{"error", "login required"}});
      if (req.body.size() > route.max_body)
        return send_json(res, 413, {{"error", "body: larger than " + std::to_string(route.max_body) + " bytes"}});
      for (const auto& [name, value] : req.params) r.params.emplace_back(name, value);
      const ApiReply reply = route.handler(req.body, r);
      if (reply.status >= 500) spdlog::warn("serve: POST {}: {}", req.path, reply.body.dump());
      send_json(res, reply.status, reply.body);
    });
  }
  http.Get("/api", [this](const httplib::Request&, httplib::Response& res) {
    json list = json::array();
    for (const auto& e : endpoints()) list.push_back({{"method", e.method}, {"path", e.path}, {"summary", e.summary}});
    for (const auto& r : body_routes_) list.push_back({{"method", "POST"}, {"path", r.path}, {"summary", r.summary}});
    send_json(res, 200, {{"endpoints", list}, {"documentation", "docs/API.md"}});
  });
}

Status DashboardServer::start(const std::string& host, int port) {
  install();
  port_ = port ? (http_->bind_to_port(host.c_str(), port) ? port : -1) : http_->bind_to_any_port(host.c_str());
  if (port_ <= 0) return Status::invalid("serve: cannot listen on " + host + ":" + std::to_string(port) + " (port in use?)");
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return Status::ok();
}

void DashboardServer::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace yuqing::server
