// Dashboard sessions and credentials (server/auth.h) on a clock of the test's own: a session lives
// session_hours after login and not a second longer, logout ends it, forged or stale tokens are
// nobody, and the bearer token matches only whole.
#include "server/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

namespace yuqing::server {

TEST(Auth, SessionsExpireAfterSessionHoursAndEndAtLogout) {
  ASSERT_TRUE(init_crypto());
  ServerConfig c;
  c.session_hours = 2;
  c.demo_user = "demo";
  Auth auth(c, "correct horse battery", std::string(40, 't'));
  EXPECT_TRUE(auth.check_password("demo", "correct horse battery"));
  EXPECT_FALSE(auth.check_password("demo", "correct horse batter"));
  EXPECT_FALSE(auth.check_password("nobody", "correct horse battery"));

  const UnixSeconds t0 = 1796342400;
  const std::string a = auth.open_session("demo", t0), b = auth.open_session("demo", t0);
  EXPECT_EQ(a.size(), 64u) << "32 random bytes in hex";
  EXPECT_NE(a, b);
  const std::optional<std::string> demo = "demo", nobody;
  const struct {
    const char* name;
    std::string token;
    UnixSeconds at;
    std::optional<std::string> user;
  } steps[] = {
      {"right after login", a, t0, demo},
      {"a second before expiry", a, t0 + 2 * 3600 - 1, demo},
      {"at expiry", a, t0 + 2 * 3600, nobody},
      {"an expired session stays gone even on a clock set back", a, t0, nobody},
      {"the other session is its own", b, t0 + 60, demo},
      {"a forged token", std::string(64, '0'), t0, nobody},
      {"a prefix of a live token", b.substr(0, 32), t0, nobody},
      {"no token", "", t0, nobody},
  };
  for (const auto& s : steps) EXPECT_EQ(auth.session_user(s.token, s.at), s.user) << s.name;
  auth.close_session(b);
  EXPECT_EQ(auth.session_user(b, t0 + 60), nobody) << "after logout";

  EXPECT_THAT(auth.cookie(a), ::testing::AllOf(::testing::StartsWith("yuqing_session=" + a + ";"), ::testing::HasSubstr("HttpOnly"),
                                               ::testing::HasSubstr("SameSite=Strict"), ::testing::HasSubstr("Max-Age=7200")));
  EXPECT_THAT(auth.cookie(""), ::testing::HasSubstr("Max-Age=0")) << "logout clears the cookie";
}

TEST(Auth, TheBearerTokenMatchesOnlyWhole) {
  ASSERT_TRUE(init_crypto());
  ServerConfig c;
  c.demo_user = "";
  const std::string token(40, 't');
  Auth with(c, "", token), without(c, "", "");
  EXPECT_TRUE(with.check_bearer(token));
  for (const std::string& wrong : {std::string(40, 'u'), token.substr(0, 39), token + "t", std::string()})
    EXPECT_FALSE(with.check_bearer(wrong)) << wrong;
  EXPECT_FALSE(without.check_bearer("")) << "no token configured: bearer access is off";
  EXPECT_FALSE(without.check_bearer(token));
}

}  // namespace yuqing::server
