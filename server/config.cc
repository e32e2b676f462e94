#include "server/config.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/config.h"
#include "core/yaml_reader.h"

namespace yuqing::server {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Status read_file(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p);
  if (!in) return Status::invalid("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  out = trim(ss.str());
  return Status::ok();
}

}  // namespace

std::filesystem::path ServerConfig::resolve(const std::string& p) const {
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : home / path;
}

std::filesystem::path default_server_config_path(const std::filesystem::path& pipeline_config) {
  return pipeline_config.parent_path() / "server.yaml";
}

ServerConfig load_server_config(const std::filesystem::path& file) {
  ServerConfig c;
  c.file = std::filesystem::absolute(file);
  c.home = c.file.parent_path().parent_path();
  if (!std::filesystem::exists(file)) return c;
  YamlSection root(load_yaml_file(file.string()), file.string());
  YamlSection s = root.child("server");
  s.read("host", c.host);
  s.read("port", c.port, 1, 65535);
  s.read("web_dir", c.web_dir);
  s.read("session_hours", c.session_hours, 1, 24 * 30);
  s.read("poll_seconds", c.poll_seconds, 1, 3600);
  s.read("demo_user", c.demo_user);
  s.read("demo_password_file", c.demo_password_file);
  s.read("token_file", c.token_file);
  for (auto& u : s.children("users")) {
    User user;
    u.read("name", user.name);
    u.read("password_hash", user.password_hash);
    if (user.name.empty()) u.fail("name", "a user needs a name");
    if (user.password_hash.rfind("$argon2", 0) != 0)
      u.fail("password_hash", "expected a libsodium hash from `yuqing serve --hash-password`");
    u.finish();
    c.users.push_back(user);
  }
  s.finish();
  root.finish();
  return c;
}

namespace {

// A secret's file is private to its owner, as ssh keys are: one that the group or others may read
// is refused (its secret may have leaked), not used silently.
Status read_private_file(const std::filesystem::path& path, const std::string& what, std::string& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::invalid("cannot read " + path.string());
  if (st.st_mode & 077)
    return Status::invalid(path.string() + ": the " + what + " file must not be readable by group or others (chmod 600)");
  return read_file(path, out);
}

}  // namespace

Status demo_password(const ServerConfig& c, std::string& password) {
  const auto path = c.resolve(c.demo_password_file);
  if (std::filesystem::exists(path)) return read_private_file(path, "demo password", password);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  // 18 random bytes, URL-safe base64: 24 characters an analyst can type.
  unsigned char bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  password = text;
  // O_EXCL: two servers starting at once never overwrite each other's password.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_file(path, password);
    return Status::invalid("cannot create " + path.string());
  }
  const std::string line = password + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == ssize_t(line.size());
  ::close(fd);
  return ok ? Status::ok() : Status::invalid("cannot write " + path.string());
}

Status api_token(const ServerConfig& c, std::string& token) {
  token.clear();
  if (const char* env = std::getenv("YUQING_API_TOKEN"); env && *env) {
    token = trim(env);
  } else {
    const auto path = c.resolve(c.token_file);
    if (c.token_file.empty() || !std::filesystem::exists(path)) return Status::ok();
    if (Status s = read_private_file(path, "API token", token); !s) return s;
  }
  if (token.size() < 32) return Status::invalid("the API token must be at least 32 characters long");
  return Status::ok();
}

}  // namespace yuqing::server
