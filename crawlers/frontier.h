// Frontier: every URL a source has discovered, with what the crawler knows about it (role, parent,
// validators, last fetch, next due time), persisted so that a restart — even after SIGKILL —
// resumes without fetching again what is not due.
//
// Persistence (one file per source, `<state_dir>/<source>.state`; format "yuqing.frontier/1")
// - An append-only log of JSON lines, one full UrlState per line; the last line for a URL wins.
//   Loading replays the log; a torn last line (the process died mid-write) is ignored.
// - Changes are buffered in memory and appended by commit(). The crawler commits only after
//   Kafka acknowledged every document extracted from the pages being committed, so a URL is
//   durably "done until its next due time" only once its documents are safe. A kill before the
//   commit makes the restart fetch those pages again: at-least-once, and ids are stable.
// - commit() writes with write(2) (the page cache survives a killed process; fsync is left to
//   the compaction, so a power cut may lose the last seconds, which are then fetched again).
// - load() compacts the log when it holds more than twice as many lines as URLs (plus 1024):
//   a snapshot is written to `<file>.tmp`, fsynced and renamed over the log.
//
// Scheduling: the frontier indexes URLs that are not checked out by origin and due time. The
// crawl loop asks next_due(origin, now), checks the URL out while it is fetched and puts it back
// with complete(). Times are Unix seconds (double). kNever marks "never due again".
//
// Not thread-safe: owned by the crawl loop's thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace yuqing::crawlers {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

// What a URL is to its source (see sources.h): a page read for links, a feed, a sitemap, a
// document page, an HTML comment page, or one page of a JSON comment API.
enum class Role { list, feed, sitemap, document, comments, comment_api };
const char* to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);

struct UrlState {
  std::string url;            // canonical; the key
  Role role = Role::list;
  std::string parent_id;      // document the items on this page belong to ("" for none)
  std::string parent_context; // context_of(that document): the items' `context`
  std::string thread_url;     // canonical URL of the thread (article) the page belongs to
  double anchor = 0;          // when the thread was first seen: decaying schedules count from here
  double first_seen = 0;
  double last_fetch = 0;      // last completed transfer (any outcome)
  double last_success = 0;    // last 2xx or 304
  double next_due = 0;
  std::string etag;
  std::string last_modified;
  long last_status = 0;       // HTTP status, 0 for a transport failure
  int attempts = 0;           // consecutive transient failures
  int hops = 0;               // redirects that led to this URL
  std::string cursor;         // comment_api: the cursor this page was requested with
};

class Frontier {
 public:
  // `file` empty: in memory only (nothing survives the process).
  explicit Frontier(std::filesystem::path file = {});
  ~Frontier();
  Frontier(const Frontier&) = delete;
  Frontier& operator=(const Frontier&) = delete;

  // Replays (and maybe compacts) the log. Returns the number of lines ignored as unreadable.
  Status load(size_t* ignored_lines = nullptr);

  const UrlState* find(const std::string& url) const;
  // Adds a URL not seen before (due at s.next_due); false, and no change, when it is known.
  bool discover(UrlState s);
  // A known URL becomes due at `at` unless it is checked out or due earlier already.
  void make_due(const std::string& url, double at);

  // The due URL (next_due <= now) with the earliest due time for `origin` that `eligible`
  // accepts (all when it is empty), if any.
  using Filter = std::function<bool(const UrlState&)>;
  const UrlState* next_due(const std::string& origin, double now, const Filter& eligible = {}) const;
  bool any_due(double now, const Filter& eligible = {}) const;
  std::vector<std::string> origins() const;
  // Earliest next_due among URLs not checked out; kNever if none.
  double earliest_due() const;

  UrlState checkout(const std::string& url);     // removes it from the due index
  void complete(UrlState s);                      // back into the index; logged at the next commit
  bool checked_out(const std::string& url) const { return checked_out_.count(url) > 0; }
  size_t checked_out_count() const { return checked_out_.size(); }

  // Appends the changes since the last commit. A full disk is retry_later: the log is left as it
  // was (no torn line) and the changes stay pending for the next commit.
  Status commit();
  size_t size() const { return urls_.size(); }
  const std::map<std::string, UrlState>& urls() const { return urls_; }

 private:
  void index(const UrlState& s);
  void unindex(const UrlState& s);
  void log(const UrlState& s);
  Status compact();

  std::filesystem::path file_;
  int fd_ = -1;
  std::map<std::string, UrlState> urls_;
  std::map<std::string, std::set<std::pair<double, std::string>>> due_;  // origin -> (due, url)
  std::set<std::string> checked_out_;
  std::string pending_;  // log lines not yet written
};

// JSON line forms, for the log and for tests.
std::string to_json_line(const UrlState& s);
bool from_json_line(const std::string& line, UrlState& out);

}  // namespace yuqing::crawlers
