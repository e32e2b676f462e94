// Outbox: e-mail persisted on disk until an SMTP server took it, one entry per (message, recipient).
//
// Contract
// - Layout under the outbox directory (MailOptions::outbox_dir, default var/outbox):
//     pending/<key>.json    waiting to be sent (attempts, next attempt, last error, the MIME bytes)
//     delivered/<key>.json  the ledger: the server accepted this copy
//     failed/<key>.json     the server refused this copy for good (a 5xx for the recipient)
//   <key> is a hash of (Message-ID, recipient). Files are JSON "schema": "yuqing.outbox/1".
// - enqueue() validates the Email (invalid names the bad address), renders it once and writes one
//   entry per recipient atomically (temporary file, fsync, link, fsync of the directory). It is
//   idempotent: a (Message-ID, recipient) already pending, delivered or failed adds nothing, so a
//   caller that re-runs after a crash simply enqueues again. (If the first copy moves into the
//   ledger while it is enqueued again, the second entry is written and deliver() drops it unsent:
//   it only sends entries that are not in delivered/ or failed/.) Give every e-mail a stable
//   message_id (e.g. derived from the alert id); without one it is derived from the content.
//   A full disk (ENOSPC, EDQUOT) is retry_later and leaves no partial entry: enqueue again once
//   space returns (the alert runner does, next interval); other I/O failures are fatal.
// - deliver() sends due entries, oldest due first, one SMTP transaction per entry (each recipient
//   gets its own copy). After the sender returns ok the entry is renamed into delivered/ and the
//   directories are fsynced. On retry_later the entry stays with attempts+1 and the next attempt
//   min(retry_max_ms, retry_base_ms * 2^(attempts-1)) later, and the pass stops: the server is
//   most likely down, and the other entries would only knock on the same closed door. reject moves
//   the entry to failed/. fatal and invalid stop the pass and are returned; the entry is kept.
// - Delivery guarantee: at-least-once; exactly once unless a crash hits one window. SMTP itself
//   has it (RFC 1047): from the moment we send the end of DATA until the rename into delivered/,
//   the server may have stored the copy while we have not recorded it, and a restart sends it
//   again. The window is the server's time to store one message and answer 250 (about a
//   millisecond on loopback, a network round trip beyond) plus one rename (microseconds); for a
//   power loss add two directory fsyncs (milliseconds). One transaction is in flight at a time,
//   so a crash duplicates at most one copy. A lost connection in the same window (the server
//   stored the copy, its 250 never arrived) has the same effect. Duplicates carry the same
//   Message-ID, so a reader can fold them.
// - One delivering process per outbox: deliver() holds an exclusive flock on <dir>/.lock and
//   answers retry_later when another process holds it. enqueue() may run in any number of
//   processes at the same time as deliver().
// - delivered/ and failed/ grow without bound; prune them by age if they get large (idempotency
//   then covers only what is kept).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "core/time.h"
#include "mail/message.h"

namespace yuqing::mail {

using UnixMillis = std::int64_t;
UnixMillis now_millis();

struct OutboxEntry {
  std::string key;            // file name without .json
  std::string message_id;     // without angle brackets
  std::string from;           // envelope sender, bare address
  std::string rcpt;           // envelope recipient, bare address
  std::string subject;        // for logs and status only (decoded, sanitised)
  std::string mime;           // render_mime() bytes, identical on every attempt
  int attempts = 0;           // failed attempts so far
  UnixMillis enqueued_at = 0;  // wall clock at enqueue; older entries are sent first
  UnixMillis next_attempt = 0;
  std::string last_error;
};

// Sends one entry; production binds SmtpSender (smtp_sender below), tests pass a fake.
using Sender = std::function<Status(const OutboxEntry&)>;

struct OutboxCounts {
  std::size_t pending = 0;
  std::size_t delivered = 0;
  std::size_t failed = 0;           // refused for good (failed/)
  std::size_t failed_attempts = 0;  // sum of attempts over pending entries
  UnixMillis next_attempt = 0;      // earliest next attempt of a pending entry, 0 when none
  std::string last_error;           // of the pending entry with the most attempts
};

struct DeliverStats {
  std::size_t attempted = 0;
  std::size_t delivered = 0;
  std::size_t retried = 0;    // retry_later: kept with a back-off
  std::size_t rejected = 0;   // moved to failed/
  Status last_failure;        // the last non-ok Status of the pass (ok when none)
};

enum class EntryState { absent, pending, delivered, failed };

class Outbox {
 public:
  Outbox(std::filesystem::path dir, int retry_base_ms, int retry_max_ms);
  // The outbox of a configuration: outbox_dir resolved against the project home.
  static Outbox from_config(const Config& config);

  // See the contract. `added` (optional) receives how many new entries were written.
  Status enqueue(const Email& email, UnixSeconds now = now_seconds(), int* added = nullptr);

  // Sends up to `limit` entries due at `now`. Returns ok unless the sender said fatal or invalid
  // (or the outbox cannot be read or written); retry_later also when another process delivers.
  Status deliver(const Sender& send, UnixMillis now, int limit, DeliverStats& stats);

  OutboxCounts counts() const;
  EntryState state(std::string_view message_id, std::string_view rcpt) const;
  // Back-off after the n-th failed attempt (n >= 1).
  UnixMillis backoff_ms(int attempts) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int retry_base_ms_;
  int retry_max_ms_;
};

// The key of a (Message-ID, recipient) pair: the entry's file name without .json.
std::string outbox_key(std::string_view message_id, std::string_view rcpt);

// A Sender over a real SMTP server. `smtp` must outlive the returned function.
class SmtpSender;
Sender smtp_sender(SmtpSender& smtp);

}  // namespace yuqing::mail
