// The dashboard's settings: configs/server.yaml (`server:` section), kept apart from
// configs/pipeline.yaml so the pipeline's Config does not grow a web server.
//
// Contract
// - load_server_config() reads the file strictly (unknown keys are errors naming the YAML path,
//   thrown as ConfigError); a missing file gives the defaults below. Relative paths resolve
//   against the parent of the folder holding the file, as for the pipeline config.
// - Users carry libsodium crypt strings (crypto_pwhash_str, Argon2id; `yuqing serve
//   --hash-password` makes one). Plain passwords never live in YAML.
// - The demo user's password lives only in demo_password_file (0600), generated on first start
//   when absent; the bearer token comes from $YUQING_API_TOKEN, else token_file, which must not be
//   readable by group or others (no token: bearer access is off).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"

namespace yuqing::server {

struct User {
  std::string name;
  std::string password_hash;  // crypto_pwhash_str output
};

struct ServerConfig {
  std::filesystem::path file;
  std::filesystem::path home;
  std::string host = "127.0.0.1";
  int port = 18090;
  std::string web_dir = "server/web";      // index.html, app.js, style.css, node_modules/echarts
  int session_hours = 12;
  int poll_seconds = 15;                   // how often the page asks for new documents and alerts
  std::string demo_user = "demo";          // "" = no demo user
  std::string demo_password_file = "var/secrets/dashboard.password";
  std::string token_file = "var/secrets/dashboard.token";
  std::vector<User> users;

  std::filesystem::path resolve(const std::string& p) const;
};

// configs/server.yaml beside the pipeline config file.
std::filesystem::path default_server_config_path(const std::filesystem::path& pipeline_config);

ServerConfig load_server_config(const std::filesystem::path& file);

// Reads the demo password, creating the file (0600, 24 random characters) when absent.
Status demo_password(const ServerConfig& c, std::string& password);

// The bearer token ("" when none is configured); a token file readable by others is invalid.
Status api_token(const ServerConfig& c, std::string& token);

}  // namespace yuqing::server
