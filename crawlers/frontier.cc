#include "crawlers/frontier.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include "crawlers/url.h"

namespace yuqing::crawlers {
namespace {

constexpr const char* kRoleNames[] = {"list", "feed", "sitemap", "document", "comments", "comment_api"};

// A full disk (or quota) clears when space returns: retry_later. Anything else is fatal.
Status write_error(const std::string& what) {
  const int e = errno;
  std::string text = "cannot write " + what + ": " + std::strerror(e);
  return e == ENOSPC || e == EDQUOT ? Status::retry_later(std::move(text)) : Status::fatal(std::move(text));
}

Status write_all(int fd, const std::string& data, const std::string& what) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return write_error(what);
    done += size_t(n);
  }
  return Status::ok();
}

}  // namespace

const char* to_string(Role r) { return kRoleNames[int(r)]; }

std::optional<Role> role_from_string(std::string_view s) {
  for (int i = 0; i < 6; ++i)
    if (s == kRoleNames[i]) return Role(i);
  return std::nullopt;
}

std::string to_json_line(const UrlState& s) {
  nlohmann::json j = {{"url", s.url}, {"role", to_string(s.role)}, {"first_seen", s.first_seen},
                      {"last_fetch", s.last_fetch}, {"last_success", s.last_success},
                      {"next_due", std::isinf(s.next_due) ? nlohmann::json(nullptr) : nlohmann::json(s.next_due)},
                      {"status", s.last_status}, {"attempts", s.attempts}};
  if (!s.parent_id.empty()) j["parent_id"] = s.parent_id;
  if (!s.parent_context.empty()) j["parent_context"] = s.parent_context;
  if (!s.thread_url.empty()) j["thread_url"] = s.thread_url;
  if (s.anchor != 0) j["anchor"] = s.anchor;
  if (!s.etag.empty()) j["etag"] = s.etag;
  if (!s.last_modified.empty()) j["last_modified"] = s.last_modified;
  if (s.hops) j["hops"] = s.hops;
  if (!s.cursor.empty()) j["cursor"] = s.cursor;
  return j.dump() + "\n";
}

bool from_json_line(const std::string& line, UrlState& out) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("url") || !j["url"].is_string() || !j.contains("role")) return false;
  try {
    UrlState s;
    s.url = j["url"];
    const auto role = role_from_string(j["role"].get<std::string>());
    if (!role) return false;
    s.role = *role;
    s.parent_id = j.value("parent_id", "");
    s.parent_context = j.value("parent_context", "");
    s.thread_url = j.value("thread_url", "");
    s.anchor = j.value("anchor", 0.0);
    s.first_seen = j.value("first_seen", 0.0);
    s.last_fetch = j.value("last_fetch", 0.0);
    s.last_success = j.value("last_success", 0.0);
    s.next_due = j["next_due"].is_null() ? kNever : j["next_due"].get<double>();
    s.etag = j.value("etag", "");
    s.last_modified = j.value("last_modified", "");
    s.last_status = j.value("status", 0L);
    s.attempts = j.value("attempts", 0);
    s.hops = j.value("hops", 0);
    s.cursor = j.value("cursor", "");
    out = std::move(s);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

Frontier::Frontier(std::filesystem::path file) : file_(std::move(file)) {}

Frontier::~Frontier() {
  if (fd_ >= 0) ::close(fd_);
}

Status Frontier::load(size_t* ignored_lines) {
  if (file_.empty()) return Status::ok();
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  size_t lines = 0, ignored = 0;
  {
    std::ifstream in(file_, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      ++lines;
      UrlState s;
      if (!from_json_line(line, s)) {
        ++ignored;
        continue;
      }
      if (auto it = urls_.find(s.url); it != urls_.end()) unindex(it->second);
      index(s);
      urls_.insert_or_assign(s.url, std::move(s));
    }
  }
  if (ignored_lines) *ignored_lines = ignored;
  if (lines > 2 * urls_.size() + 1024 || ignored > 0) {
    if (Status s = compact(); !s) return s;
  }
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::fatal("cannot open " + file_.string() + ": " + std::strerror(errno));
  return Status::ok();
}

Status Frontier::compact() {
  const std::filesystem::path tmp = file_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::fatal("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::string all;
  for (const auto& [url, s] : urls_) all += to_json_line(s);
  Status st = write_all(fd, all, tmp.string());
  if (st && ::fsync(fd) != 0) st = Status::fatal("cannot fsync " + tmp.string() + ": " + std::strerror(errno));
  ::close(fd);
  if (!st) return st;
  if (::rename(tmp.c_str(), file_.c_str()) != 0)
    return Status::fatal("cannot rename " + tmp.string() + ": " + std::strerror(errno));
  return Status::ok();
}

const UrlState* Frontier::find(const std::string& url) const {
  auto it = urls_.find(url);
  return it == urls_.end() ? nullptr : &it->second;
}

bool Frontier::discover(UrlState s) {
  if (urls_.count(s.url)) return false;
  index(s);
  log(s);
  urls_.emplace(s.url, std::move(s));
  return true;
}

void Frontier::make_due(const std::string& url, double at) {
  auto it = urls_.find(url);
  if (it == urls_.end() || checked_out_.count(url) || it->second.next_due <= at) return;
  unindex(it->second);
  it->second.next_due = at;
  index(it->second);
  log(it->second);
}

const UrlState* Frontier::next_due(const std::string& origin, double now, const Filter& eligible) const {
  auto it = due_.find(origin);
  if (it == due_.end()) return nullptr;
  for (const auto& [due, url] : it->second) {
    if (due > now) return nullptr;
    const UrlState* s = find(url);
    if (!eligible || eligible(*s)) return s;
  }
  return nullptr;
}

bool Frontier::any_due(double now, const Filter& eligible) const {
  for (const auto& [origin, set] : due_)
    if (next_due(origin, now, eligible)) return true;
  return false;
}

std::vector<std::string> Frontier::origins() const {
  std::vector<std::string> out;
  for (const auto& [origin, set] : due_)
    if (!set.empty()) out.push_back(origin);
  return out;
}

double Frontier::earliest_due() const {
  double t = kNever;
  for (const auto& [origin, set] : due_)
    if (!set.empty()) t = std::min(t, set.begin()->first);
  return t;
}

UrlState Frontier::checkout(const std::string& url) {
  UrlState& s = urls_.at(url);
  unindex(s);
  checked_out_.insert(url);
  return s;
}

void Frontier::complete(UrlState s) {
  checked_out_.erase(s.url);
  auto it = urls_.find(s.url);
  if (it != urls_.end()) unindex(it->second);
  index(s);
  log(s);
  urls_.insert_or_assign(s.url, std::move(s));
}

Status Frontier::commit() {
  if (fd_ < 0 || pending_.empty()) {
    pending_.clear();
    return Status::ok();
  }
  // On a failed append (a full disk) the log is cut back to where it was, so no torn line is left,
  // and the lines stay pending for the next commit: the state is lost only if the process ends
  // before space returns (its pages are then fetched again; their documents are in Kafka already).
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  Status s = write_all(fd_, pending_, file_.string());
  if (!s) {
    if (before >= 0 && ::ftruncate(fd_, before) != 0) return Status::fatal("cannot truncate " + file_.string() + ": " + std::strerror(errno));
    return s;
  }
  pending_.clear();
  return s;
}

void Frontier::index(const UrlState& s) {
  if (!std::isinf(s.next_due)) due_[url_origin(s.url)].emplace(s.next_due, s.url);
}

void Frontier::unindex(const UrlState& s) {
  auto it = due_.find(url_origin(s.url));
  if (it != due_.end()) it->second.erase({s.next_due, s.url});
}

void Frontier::log(const UrlState& s) {
  if (fd_ >= 0) pending_ += to_json_line(s);
}

}  // namespace yuqing::crawlers
