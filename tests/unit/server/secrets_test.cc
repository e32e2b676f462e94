// The dashboard's secrets (server/config.h): the bearer token from $YUQING_API_TOKEN or a file only
// its owner can read, and the demo password's file, generated 0600 and refused once others can
// read it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "server/config.h"

namespace yuqing::server {
namespace {

namespace fs = std::filesystem;

ServerConfig config_in(const fs::path& home) {
  ServerConfig c;
  c.home = home;
  c.file = home / "configs/server.yaml";
  c.token_file = "secrets/token";
  c.demo_password_file = "secrets/password";
  return c;
}

void write(const fs::path& p, const std::string& text, mode_t mode) {
  fs::create_directories(p.parent_path());
  fs::remove(p);
  std::ofstream(p) << text;
  ::chmod(p.c_str(), mode);
}

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("YUQING_API_TOKEN");
    home_ = fs::temp_directory_path() / ("yuqing-secrets-" + std::to_string(::getpid()));
    fs::remove_all(home_);
  }
  void TearDown() override {
    ::unsetenv("YUQING_API_TOKEN");
    fs::remove_all(home_);
  }
  fs::path home_;
};

}  // namespace

TEST_F(Secrets, ApiTokenComesFromTheEnvironmentOrAPrivateFile) {
  const struct {
    const char* name;
    const char* env;            // nullptr: unset
    const char* file;           // nullptr: no file
    mode_t mode;
    const char* token;          // expected on success
    const char* error;          // expected substring of the error, nullptr for success
  } cases[] = {
      {"nothing configured: bearer access off", nullptr, nullptr, 0600, "", nullptr},
      {"a file of 0600", nullptr, "tttttttttttttttttttttttttttttttttttttttt\n", 0600, "tttttttttttttttttttttttttttttttttttttttt", nullptr},
      {"a file of 0400", nullptr, "tttttttttttttttttttttttttttttttttttttttt", 0400, "tttttttttttttttttttttttttttttttttttttttt", nullptr},
      {"a file the group may read", nullptr, "tttttttttttttttttttttttttttttttttttttttt", 0640, "", "must not be readable by group or others (chmod 600)"},
      {"a file anyone may read", nullptr, "tttttttttttttttttttttttttttttttttttttttt", 0644, "", "secrets/token: the API token file"},
      {"a file others may write", nullptr, "tttttttttttttttttttttttttttttttttttttttt", 0602, "", "chmod 600"},
      {"a short token in the file", nullptr, "short", 0600, "", "at least 32 characters"},
      {"the environment wins over a file", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "tttttttttttttttttttttttttttttttttttttttt", 0644,
       "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", nullptr},
      {"a short token in the environment", "short", nullptr, 0600, "", "at least 32 characters"},
  };
  for (const auto& c : cases) {
    fs::remove_all(home_);
    const ServerConfig config = config_in(home_);
    if (c.env) ::setenv("YUQING_API_TOKEN", c.env, 1);
    else ::unsetenv("YUQING_API_TOKEN");
    if (c.file) write(config.resolve(config.token_file), c.file, c.mode);
    std::string token;
    const Status s = api_token(config, token);
    if (c.error) {
      EXPECT_FALSE(s) << c.name;
      EXPECT_THAT(s.message(), ::testing::HasSubstr(c.error)) << c.name;
    } else {
      EXPECT_TRUE(s) << c.name << ": " << s.to_string();
      EXPECT_EQ(token, c.token) << c.name;
    }
  }
}

TEST_F(Secrets, DemoPasswordIsGeneratedPrivateAndRefusedOnceOthersCanReadIt) {
  const ServerConfig config = config_in(home_);
  const fs::path file = config.resolve(config.demo_password_file);
  std::string first, again;
  ASSERT_TRUE(demo_password(config, first));
  EXPECT_EQ(first.size(), 24u);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(demo_password(config, again));
  EXPECT_EQ(again, first) << "the second start reads the same password";
  ::chmod(file.c_str(), 0644);
  const Status s = demo_password(config, again);
  EXPECT_FALSE(s);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("the demo password file must not be readable by group or others"));
}

}  // namespace yuqing::server
