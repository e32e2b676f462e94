#include "mail/outbox.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/hash.h"
#include "mail/smtp.h"

namespace yuqing::mail {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "yuqing.outbox/1";

std::string errno_text(const std::string& what, const fs::path& p) {
  return what + " " + p.string() + ": " + std::strerror(errno);
}

// A full disk (or quota) clears when space returns, so it is retry_later: the alert runner keeps
// the hours it could not finish and evaluates them again next interval, and enqueue is idempotent,
// so nothing is lost and nothing doubled. Any other failure is fatal.
Status io_error(const std::string& what, const fs::path& p) {
  const int e = errno;
  std::string text = errno_text(what, p);
  return e == ENOSPC || e == EDQUOT ? Status::retry_later(std::move(text)) : Status::fatal(std::move(text));
}

Status fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : io_error("cannot fsync", dir);
}

// Writes `content` to a new temporary file in `dir` and fsyncs it; the caller links or renames it
// into place, so readers only ever see complete entries.
Status write_temp(const fs::path& dir, const std::string& key, const std::string& content, fs::path& temp) {
  static std::atomic<unsigned> counter{0};
  temp = dir / (".tmp-" + key + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("cannot create", temp);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Status s = io_error("cannot write", temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return s;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const Status s = io_error("cannot fsync", temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return s;
  }
  ::close(fd);
  return Status::ok();
}

std::string to_json(const OutboxEntry& e) {
  return json{{"schema", kSchema},          {"message_id", e.message_id}, {"from", e.from},
              {"rcpt", e.rcpt},             {"subject", e.subject},       {"attempts", e.attempts},
              {"enqueued_at", e.enqueued_at}, {"next_attempt", e.next_attempt}, {"last_error", e.last_error},
              {"mime", e.mime}}
      .dump();
}

bool read_entry(const fs::path& file, OutboxEntry& e) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  const json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("schema", "") != kSchema) return false;
  e.key = file.stem().string();
  e.message_id = j.value("message_id", "");
  e.from = j.value("from", "");
  e.rcpt = j.value("rcpt", "");
  e.subject = j.value("subject", "");
  e.mime = j.value("mime", "");
  e.attempts = j.value("attempts", 0);
  e.enqueued_at = j.value("enqueued_at", UnixMillis{0});
  e.next_attempt = j.value("next_attempt", UnixMillis{0});
  e.last_error = j.value("last_error", "");
  return !e.rcpt.empty() && !e.mime.empty();
}

// Replaces `dir`/<key>.json with the entry's current state (temporary file + rename).
Status rewrite(const fs::path& dir, const OutboxEntry& e) {
  fs::path temp;
  if (Status s = write_temp(dir, e.key, to_json(e), temp); !s) return s;
  if (::rename(temp.c_str(), (dir / (e.key + ".json")).c_str()) != 0) {
    const Status s = io_error("cannot rename", temp);
    ::unlink(temp.c_str());
    return s;
  }
  return fsync_dir(dir);
}

Status move_entry(const fs::path& from_dir, const fs::path& to_dir, const std::string& key) {
  const fs::path from = from_dir / (key + ".json"), to = to_dir / (key + ".json");
  if (::rename(from.c_str(), to.c_str()) != 0) return io_error("cannot move", from);
  // The new name first: once it is durable the entry can no longer be sent again.
  if (Status s = fsync_dir(to_dir); !s) return s;
  return fsync_dir(from_dir);
}

bool is_entry_file(const fs::directory_entry& d) {
  const std::string name = d.path().filename().string();
  return d.is_regular_file() && name.size() > 5 && name[0] != '.' && name.ends_with(".json");
}

std::size_t count_entries(const fs::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& d : fs::directory_iterator(dir, ec))
    if (is_entry_file(d)) ++n;
  return n;
}

// Temporary files of a writer that crashed before its link/rename: garbage after a while.
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::minutes(10);
  for (const auto& d : fs::directory_iterator(dir, ec)) {
    if (d.path().filename().string().rfind(".tmp-", 0) != 0) continue;
    std::error_code tec;
    if (d.last_write_time(tec) < cutoff && !tec) fs::remove(d.path(), tec);
  }
}

class DirLock {
 public:
  explicit DirLock(const fs::path& file) : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640)) {
    locked_ = fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock; so does the kernel on SIGKILL
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  bool locked() const { return locked_; }

 private:
  int fd_;
  bool locked_ = false;
};

}  // namespace

UnixMillis now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string outbox_key(std::string_view message_id, std::string_view rcpt) {
  std::string id(message_id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return fingerprint(id + "\n" + std::string(rcpt));
}

Outbox::Outbox(fs::path dir, int retry_base_ms, int retry_max_ms)
    : dir_(std::move(dir)), retry_base_ms_(std::max(1, retry_base_ms)), retry_max_ms_(std::max(1, retry_max_ms)) {}

Outbox Outbox::from_config(const Config& config) {
  return Outbox(config.resolve(config.mail.outbox_dir), config.mail.retry_base_ms, config.mail.retry_max_ms);
}

UnixMillis Outbox::backoff_ms(int attempts) const {
  UnixMillis delay = retry_base_ms_;
  for (int i = 1; i < attempts && delay < retry_max_ms_; ++i) delay *= 2;
  return std::min<UnixMillis>(delay, retry_max_ms_);
}

Status Outbox::enqueue(const Email& email, UnixSeconds now, int* added) {
  if (added) *added = 0;
  if (Status s = validate_email(email); !s) return s;
  Mailbox from;
  parse_mailbox(email.from, from).ignore();  // validate_email accepted it above
  Email e = email;
  e.message_id = message_id_of(email);
  const std::string mime = render_mime(e, now);

  const fs::path pending = dir_ / "pending", delivered = dir_ / "delivered", failed = dir_ / "failed";
  std::error_code ec;
  for (const auto& d : {pending, delivered, failed}) {
    fs::create_directories(d, ec);
    if (ec) return Status::fatal("cannot create " + d.string() + ": " + ec.message());
  }
  for (const std::string& to : email.to) {
    Mailbox rcpt;
    parse_mailbox(to, rcpt).ignore();  // validate_email accepted it above
    OutboxEntry entry;
    entry.key = outbox_key(e.message_id, rcpt.address);
    const std::string name = entry.key + ".json";
    if (fs::exists(delivered / name) || fs::exists(failed / name) || fs::exists(pending / name)) continue;
    entry.message_id = e.message_id;
    entry.from = from.address;
    entry.rcpt = rcpt.address;
    entry.subject = sanitize_header_text(email.subject);
    entry.mime = mime;
    entry.enqueued_at = now_millis();  // the wall clock, not `now`: it orders the queue (oldest first)
    entry.next_attempt = 0;  // due at once

    fs::path temp;
    if (Status s = write_temp(pending, entry.key, to_json(entry), temp); !s) return s;
    // link() never replaces: of two concurrent enqueues of the same entry exactly one wins.
    const int rc = ::link(temp.c_str(), (pending / name).c_str());
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (rc != 0 && link_errno != EEXIST) {
      errno = link_errno;
      return io_error("cannot link", pending / name);
    }
    if (Status s = fsync_dir(pending); !s) return s;
    // A deliverer may have moved the same entry into the ledger between the check above and the
    // link; deliver() drops such a second entry instead of sending it (see there). Checking here
    // instead cannot work: the deliverer may just as well have sent our new entry already.
    if (rc == 0 && added) ++*added;
  }
  return Status::ok();
}

Status Outbox::deliver(const Sender& send, UnixMillis now, int limit, DeliverStats& stats) {
  stats = {};
  const fs::path pending = dir_ / "pending", delivered = dir_ / "delivered", failed = dir_ / "failed";
  std::error_code ec;
  for (const auto& d : {pending, delivered, failed}) {
    fs::create_directories(d, ec);
    if (ec) return Status::fatal("cannot create " + d.string() + ": " + ec.message());
  }
  DirLock lock(dir_ / ".lock");
  if (!lock.locked()) return Status::retry_later("another process is delivering " + dir_.string());
  remove_stale_temps(pending);

  std::vector<OutboxEntry> due;
  for (const auto& d : fs::directory_iterator(pending, ec)) {
    if (!is_entry_file(d)) continue;
    // An entry that is pending and already in the ledger was enqueued again while its first copy
    // was being moved there (enqueue's check-then-link race): drop it, it has been delivered.
    // Only the lock holder moves entries, so this check cannot race.
    const std::string name = d.path().filename().string();
    if (fs::exists(delivered / name) || fs::exists(failed / name)) {
      std::error_code rec;
      fs::remove(d.path(), rec);
      fsync_dir(pending).ignore();  // if the removal is lost in a crash, the next pass removes it again
      continue;
    }
    OutboxEntry e;
    if (!read_entry(d.path(), e)) {
      // Cannot happen with atomic writes; if a file is damaged anyway, park it where an operator
      // sees it instead of failing every pass.
      if (Status s = move_entry(pending, failed, d.path().stem().string()); !s)
        spdlog::warn("mail: cannot park damaged outbox entry {}: {}", d.path().string(), s.message());
      ++stats.rejected;
      continue;
    }
    if (e.next_attempt <= now) due.push_back(std::move(e));
  }
  if (ec) return Status::fatal("cannot list " + pending.string() + ": " + ec.message());
  std::sort(due.begin(), due.end(), [](const OutboxEntry& a, const OutboxEntry& b) {
    return std::tie(a.next_attempt, a.enqueued_at, a.key) < std::tie(b.next_attempt, b.enqueued_at, b.key);
  });
  if (limit >= 0 && due.size() > static_cast<std::size_t>(limit)) due.resize(static_cast<std::size_t>(limit));

  for (OutboxEntry& e : due) {
    ++stats.attempted;
    const Status s = send(e);
    if (s) {
      if (Status m = move_entry(pending, delivered, e.key); !m) return m;
      ++stats.delivered;
      continue;
    }
    stats.last_failure = s;
    e.last_error = s.to_string();
    switch (s.kind()) {
      case Status::Kind::retry_later:
        ++e.attempts;
        e.next_attempt = now + backoff_ms(e.attempts);
        ++stats.retried;
        if (Status w = rewrite(pending, e); !w) return w;
        return Status::ok();  // the server is most likely down: end the pass (see outbox.h)
      case Status::Kind::reject:
        ++e.attempts;
        ++stats.rejected;
        if (Status w = rewrite(pending, e); !w) return w;
        if (Status m = move_entry(pending, failed, e.key); !m) return m;
        continue;
      default:  // fatal, invalid: nothing else can succeed either
        if (Status w = rewrite(pending, e); !w) return w;
        return s;
    }
  }
  return Status::ok();
}

OutboxCounts Outbox::counts() const {
  OutboxCounts c;
  std::error_code ec;
  int most_attempts = 0;
  for (const auto& d : fs::directory_iterator(dir_ / "pending", ec)) {
    if (!is_entry_file(d)) continue;
    ++c.pending;
    OutboxEntry e;
    if (!read_entry(d.path(), e)) continue;
    c.failed_attempts += static_cast<std::size_t>(e.attempts);
    if (c.next_attempt == 0 || e.next_attempt < c.next_attempt) c.next_attempt = std::max<UnixMillis>(e.next_attempt, 1);
    if (e.attempts > most_attempts) {
      most_attempts = e.attempts;
      c.last_error = e.last_error;
    }
  }
  c.delivered = count_entries(dir_ / "delivered");
  c.failed = count_entries(dir_ / "failed");
  return c;
}

EntryState Outbox::state(std::string_view message_id, std::string_view rcpt) const {
  const std::string name = outbox_key(message_id, rcpt) + ".json";
  if (fs::exists(dir_ / "delivered" / name)) return EntryState::delivered;
  if (fs::exists(dir_ / "failed" / name)) return EntryState::failed;
  if (fs::exists(dir_ / "pending" / name)) return EntryState::pending;
  return EntryState::absent;
}

Sender smtp_sender(SmtpSender& smtp) {
  return [&smtp](const OutboxEntry& e) { return smtp.send(e.from, e.rcpt, e.mime); };
}

}  // namespace yuqing::mail
