#include "crawlers/frontier.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>

namespace yuqing::crawlers {
namespace {

std::filesystem::path temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("frontier_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto f = dir / name;
  std::filesystem::remove(f);
  return f;
}

UrlState url(const std::string& u, double due, Role role = Role::list) {
  UrlState s;
  s.url = u;
  s.role = role;
  s.next_due = due;
  return s;
}

}  // namespace

TEST(Frontier, HandsOutDueUrlsPerOriginInDueOrder) {
  Frontier f;
  ASSERT_TRUE(f.load());
  EXPECT_TRUE(f.discover(url("http://a/2", 20)));
  EXPECT_TRUE(f.discover(url("http://a/1", 10)));
  EXPECT_TRUE(f.discover(url("http://b/1", 30)));
  EXPECT_FALSE(f.discover(url("http://a/1", 0))) << "known URLs keep their state";
  EXPECT_EQ(f.next_due("http://a", 5), nullptr);
  ASSERT_NE(f.next_due("http://a", 15), nullptr);
  EXPECT_EQ(f.next_due("http://a", 15)->url, "http://a/1");
  EXPECT_EQ(f.earliest_due(), 10);
  UrlState s = f.checkout("http://a/1");
  EXPECT_EQ(f.next_due("http://a", 15), nullptr) << "checked out URLs are not handed out twice";
  EXPECT_EQ(f.earliest_due(), 20);
  s.next_due = kNever;
  f.complete(s);
  EXPECT_EQ(f.next_due("http://a", 1e12)->url, "http://a/2");
  f.make_due("http://a/1", 50);
  EXPECT_EQ(f.find("http://a/1")->next_due, 50);
}

TEST(Frontier, StateSurvivesARestartOnlyAfterCommit) {
  const auto file = temp_file("a.state");
  {
    Frontier f(file);
    ASSERT_TRUE(f.load());
    f.discover(url("http://a/list", 0));
    ASSERT_TRUE(f.commit());
    UrlState s = f.checkout("http://a/list");
    s.etag = "\"x\"";
    s.next_due = 1000;
    s.last_status = 200;
    f.complete(s);
    ASSERT_TRUE(f.commit());
    f.discover(url("http://a/doc", 0, Role::document));  // never committed: "killed" before the commit
  }
  Frontier g(file);
  ASSERT_TRUE(g.load());
  ASSERT_NE(g.find("http://a/list"), nullptr);
  EXPECT_EQ(g.find("http://a/list")->etag, "\"x\"");
  EXPECT_EQ(g.find("http://a/list")->next_due, 1000);
  EXPECT_EQ(g.find("http://a/doc"), nullptr);
  EXPECT_EQ(g.next_due("http://a", 999), nullptr) << "not due: not fetched again";
}

// Disk full (issue 15's fault matrix): the state file on a 64 KB tmpfs. A commit into a full disk is
// retry_later naming the cause, leaves the log as it was, and once space returns the same state is
// written: a restart finds every URL.
TEST(Frontier, DiskFullKeepsTheStatePendingUntilSpaceReturns) {
  const auto mnt = std::filesystem::temp_directory_path() / ("frontier_tmpfs_" + std::to_string(::getpid()));
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) {
    std::filesystem::remove(mnt);
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " << std::strerror(errno);
  }
  struct Unmount {
    std::filesystem::path p;
    ~Unmount() {
      ::umount(p.c_str());
      std::filesystem::remove_all(p);
    }
  } unmount{mnt};
  const auto file = mnt / "a.state";
  {
    std::ofstream filler(mnt / "filler", std::ios::binary);
    filler << std::string(60 * 1024, 'f');
  }
  Frontier f(file);
  ASSERT_TRUE(f.load());
  for (int i = 0; i < 200; ++i) f.discover(url("http://a/page/" + std::to_string(i) + std::string(40, 'x'), i));
  const Status full = f.commit();
  ASSERT_FALSE(full) << "the disk never filled";
  EXPECT_EQ(full.kind(), Status::Kind::retry_later) << full.to_string();
  EXPECT_NE(full.to_string().find("No space left on device"), std::string::npos) << full.to_string();
  EXPECT_EQ(std::filesystem::file_size(file), 0u) << "a torn line was left in the log";

  std::filesystem::remove(mnt / "filler");
  ASSERT_TRUE(f.commit()) << "the pending state is written once space returns";
  Frontier g(file);
  size_t ignored = 99;
  ASSERT_TRUE(g.load(&ignored));
  EXPECT_EQ(ignored, 0u);
  EXPECT_EQ(g.size(), 200u);
}

TEST(Frontier, TornLastLineIsIgnoredAndTheLogCompacted) {
  const auto file = temp_file("b.state");
  {
    Frontier f(file);
    ASSERT_TRUE(f.load());
    for (int i = 0; i < 3; ++i) {
      UrlState s = url("http://a/x", i);
      s.attempts = i;
      f.discover(url("http://a/y" + std::to_string(i), kNever, Role::document));
      if (i == 0) f.discover(s);
      else {
        f.checkout("http://a/x");
        f.complete(s);
      }
    }
    ASSERT_TRUE(f.commit());
  }
  std::ofstream(file, std::ios::app) << "{\"url\":\"http://a/z\",\"ro";  // killed mid-write
  Frontier g(file);
  size_t ignored = 0;
  ASSERT_TRUE(g.load(&ignored));
  EXPECT_EQ(ignored, 1u);
  EXPECT_EQ(g.size(), 4u);
  EXPECT_EQ(g.find("http://a/x")->attempts, 2) << "the last line for a URL wins";
  EXPECT_TRUE(std::isinf(g.find("http://a/y1")->next_due));
  std::ifstream in(file);
  size_t lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, 4u) << "compacted to one line per URL";
}

TEST(Frontier, JsonLineRoundTrips) {
  UrlState s = url("http://a/api?cursor=x", 12.5, Role::comment_api);
  s.parent_id = "abc";
  s.parent_context = "泥沟镇供水管网改造";
  s.thread_url = "http://a/t";
  s.anchor = 3;
  s.cursor = "x";
  s.last_modified = "Mon, 05 Oct 2026 01:00:00 GMT";
  UrlState back;
  ASSERT_TRUE(from_json_line(to_json_line(s), back));
  EXPECT_EQ(back.role, Role::comment_api);
  EXPECT_EQ(back.parent_id, "abc");
  EXPECT_EQ(back.parent_context, "泥沟镇供水管网改造");
  EXPECT_EQ(back.thread_url, "http://a/t");
  EXPECT_EQ(back.anchor, 3);
  EXPECT_EQ(back.cursor, "x");
  EXPECT_EQ(back.next_due, 12.5);
  EXPECT_EQ(back.last_modified, s.last_modified);
  EXPECT_FALSE(from_json_line("{\"url\":1}", back));
}

}  // namespace yuqing::crawlers
