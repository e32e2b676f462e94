// Who may use the dashboard: users from configs/server.yaml (plus the demo user), sessions after a
// login, and one bearer token for scripts.
//
// Contract
// - Passwords are checked with libsodium's crypto_pwhash_str_verify (Argon2id, salted, slow on
//   purpose); hash_password() makes the strings the config stores. Unknown users cost the same
//   work as known ones, so timing does not tell which names exist.
// - A session is 32 random bytes (randombytes_buf) in hex, kept in memory only: a restart logs
//   everyone out. It expires session_hours after login. The cookie is HttpOnly, SameSite=Strict,
//   Path=/ (Secure is left to a TLS-terminating proxy, which the loopback default does not have).
// - Bearer tokens are compared in constant time (sodium_memcmp).
// - Thread-safe: the HTTP server calls it from its worker threads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/time.h"
#include "server/config.h"

namespace yuqing::server {

inline constexpr const char* kSessionCookie = "yuqing_session";

// libsodium must be initialised once per process before any other call here.
Status init_crypto();

Status hash_password(const std::string& password, std::string& hash);

class Auth {
 public:
  // demo_password is the demo user's plain password ("" = no demo user); api_token "" = none.
  Auth(const ServerConfig& c, const std::string& demo_password, std::string api_token);

  bool check_password(const std::string& user, const std::string& password) const;
  // A new session for `user`; returns its token.
  std::string open_session(const std::string& user, UnixSeconds now);
  // The user of a live session.
  std::optional<std::string> session_user(const std::string& token, UnixSeconds now);
  void close_session(const std::string& token);
  bool check_bearer(const std::string& token) const;

  // The Set-Cookie value for a session token ("" clears the cookie).
  std::string cookie(const std::string& token) const;

 private:
  struct Session {
    std::string user;
    UnixSeconds expires = 0;
  };
  std::map<std::string, std::string> hashes_;  // user -> crypt string
  std::string dummy_hash_;                      // verified against for unknown users
  std::string api_token_;
  int session_seconds_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace yuqing::server
