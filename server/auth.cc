#include "server/auth.h"

#include <sodium.h>

namespace yuqing::server {

Status init_crypto() {
  if (sodium_init() < 0) return Status::fatal("libsodium failed to initialise");
  return Status::ok();
}

Status hash_password(const std::string& password, std::string& hash) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::fatal("password hashing ran out of memory");
  hash = out;
  return Status::ok();
}

Auth::Auth(const ServerConfig& c, const std::string& demo_password, std::string api_token)
    : api_token_(std::move(api_token)), session_seconds_(c.session_hours * 3600) {
  for (const auto& u : c.users) hashes_[u.name] = u.password_hash;
  if (!c.demo_user.empty() && !demo_password.empty()) {
    std::string h;
    if (hash_password(demo_password, h)) hashes_[c.demo_user] = h;
  }
  unsigned char random[16];
  randombytes_buf(random, sizeof random);
  (void)hash_password(std::string(reinterpret_cast<char*>(random), sizeof random), dummy_hash_);
}

bool Auth::check_password(const std::string& user, const std::string& password) const {
  const auto it = hashes_.find(user);
  const std::string& hash = it == hashes_.end() ? dummy_hash_ : it->second;
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  return ok && it != hashes_.end();
}

std::string Auth::open_session(const std::string& user, UnixSeconds now) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  std::lock_guard lock(mutex_);
  // Drop expired sessions here, so the map never grows with abandoned logins.
  for (auto it = sessions_.begin(); it != sessions_.end();) it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  sessions_[hex] = {user, now + session_seconds_};
  return hex;
}

std::optional<std::string> Auth::session_user(const std::string& token, UnixSeconds now) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second.user;
}

void Auth::close_session(const std::string& token) {
  std::lock_guard lock(mutex_);
  sessions_.erase(token);
}

bool Auth::check_bearer(const std::string& token) const {
  if (api_token_.empty() || token.size() != api_token_.size()) return false;
  return sodium_memcmp(token.data(), api_token_.data(), token.size()) == 0;
}

std::string Auth::cookie(const std::string& token) const {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(token.empty() ? 0 : session_seconds_);
}

}  // namespace yuqing::server
