// The persisted outbox with a fake sender: idempotent enqueue, retries with growing back-off,
// every copy delivered once, refusals parked, and a new Outbox on the same directory resuming.
#include "mail/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/maildir.h"

namespace yuqing::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr UnixSeconds kNow = 1796212800;
constexpr UnixMillis kNowMs = kNow * 1000;
constexpr int kBase = 1000, kMax = 5000;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("yuqing-outbox-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outbox outbox() const { return Outbox(dir_, kBase, kMax); }

  static Email email(const std::string& id, std::vector<std::string> to = {"a@d.gov.cn", "b@d.gov.cn", "c@d.gov.cn"}) {
    Email e;
    e.from = "yuqing 舆情监测 <yuqing@localhost>";
    e.to = std::move(to);
    e.subject = "预警 " + id;
    e.text = "正文 " + id;
    e.message_id = id + "@yuqing";
    return e;
  }

  // A sender that records every copy it was handed and answers from `script` (default ok).
  Sender recording(std::function<Status(const OutboxEntry&)> script = nullptr) {
    return [this, script](const OutboxEntry& e) {
      sent_[e.message_id + " " + e.rcpt]++;
      mimes_.push_back(e.mime);
      return script ? script(e) : Status::ok();
    };
  }

  fs::path dir_;
  std::map<std::string, int> sent_;
  std::vector<std::string> mimes_;
};

TEST_F(OutboxTest, EnqueueIsIdempotentPendingAndDelivered) {
  Outbox box = outbox();
  struct Step {
    const char* what;
    Email email;
    int added;
  };
  const std::vector<Step> steps = {
      {"three recipients", email("m1"), 3},
      {"the same again while pending", email("m1"), 0},
      {"one new recipient of the same message", email("m1", {"a@d.gov.cn", "d@d.gov.cn"}), 1},
      {"a recipient twice in one e-mail", email("m2", {"a@d.gov.cn", "a@d.gov.cn"}), 1},
  };
  for (const Step& s : steps) {
    int added = -1;
    ASSERT_TRUE(box.enqueue(s.email, kNow, &added)) << s.what;
    EXPECT_EQ(added, s.added) << s.what;
  }
  EXPECT_EQ(box.counts().pending, 5u);

  DeliverStats stats;
  ASSERT_TRUE(box.deliver(recording(), kNowMs, 100, stats));
  EXPECT_EQ(stats.delivered, 5u);
  int added = -1;
  ASSERT_TRUE(box.enqueue(email("m1"), kNow + 60, &added));
  EXPECT_EQ(added, 0) << "already delivered copies are not enqueued again";
  EXPECT_EQ(box.counts().pending, 0u);
  EXPECT_EQ(box.counts().delivered, 5u);
}

// enqueue() checks the ledger, then links; a copy moved into the ledger in between leaves a second
// pending entry. deliver() must drop it unsent.
TEST_F(OutboxTest, AnEntryAlreadyInTheLedgerIsDroppedNotSentAgain) {
  Outbox box = outbox();
  ASSERT_TRUE(box.enqueue(email("m1", {"a@d.gov.cn"}), kNow));
  DeliverStats stats;
  ASSERT_TRUE(box.deliver(recording(), kNowMs, 10, stats));
  const std::string name = outbox_key("m1@yuqing", "a@d.gov.cn") + ".json";
  fs::copy_file(dir_ / "delivered" / name, dir_ / "pending" / name);  // the race's outcome
  ASSERT_TRUE(box.deliver(recording(), kNowMs, 10, stats));
  EXPECT_EQ(stats.attempted, 0u);
  EXPECT_EQ(sent_["m1@yuqing a@d.gov.cn"], 1);
  EXPECT_EQ(box.counts().pending, 0u);
  EXPECT_EQ(box.counts().delivered, 1u);
}

TEST_F(OutboxTest, AnInvalidAddressIsRefusedAndNothingIsWritten) {
  Outbox box = outbox();
  const Status s = box.enqueue(email("m1", {"a@d.gov.cn", "x@d.gov.cn\r\nBcc: evil@example.com"}), kNow);
  EXPECT_EQ(s.kind(), Status::Kind::invalid);
  EXPECT_THAT(s.message(), HasSubstr("x@d.gov.cn%0D%0ABcc: evil@example.com"));
  EXPECT_EQ(box.counts().pending, 0u);
}

TEST_F(OutboxTest, EachRecipientGetsItsOwnTransactionOfTheSameMessageExactlyOnce) {
  Outbox box = outbox();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(box.enqueue(email("m" + std::to_string(i)), kNow));
  DeliverStats stats;
  for (int pass = 0; pass < 5; ++pass) ASSERT_TRUE(box.deliver(recording(), kNowMs + pass, 5, stats));
  ASSERT_EQ(sent_.size(), 12u);
  for (const auto& [copy, times] : sent_) EXPECT_EQ(times, 1) << copy;
  const OutboxCounts c = box.counts();
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.delivered, 12u);
  EXPECT_EQ(box.state("m0@yuqing", "b@d.gov.cn"), EntryState::delivered);
  EXPECT_EQ(box.state("<m0@yuqing>", "b@d.gov.cn"), EntryState::delivered);
  EXPECT_EQ(box.state("m9@yuqing", "b@d.gov.cn"), EntryState::absent);
  // The copies of one message are the same bytes; only the envelope makes them distinct.
  std::map<std::string, std::set<std::string>> bytes_by_id;
  for (const std::string& mime : mimes_) bytes_by_id[testing::parse_mail(mime).message_id()].insert(mime);
  ASSERT_EQ(bytes_by_id.size(), 4u);
  for (const auto& [id, bytes] : bytes_by_id) EXPECT_EQ(bytes.size(), 1u) << id;
  EXPECT_EQ(testing::parse_mail(*bytes_by_id["m0@yuqing"].begin()).subject(), "预警 m0");
}

TEST_F(OutboxTest, RetryLaterKeepsTheEntryWithAGrowingCappedBackOff) {
  Outbox box = outbox();
  ASSERT_TRUE(box.enqueue(email("m1", {"a@d.gov.cn"}), kNow));
  const Sender down = recording([](const OutboxEntry&) { return Status::retry_later("SMTP server unreachable"); });
  // attempt -> delay until the next one: base, doubling, capped at max.
  const std::vector<UnixMillis> delays = {1000, 2000, 4000, 5000, 5000};
  UnixMillis now = kNowMs;
  for (std::size_t i = 0; i < delays.size(); ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i + 1));
    DeliverStats stats;
    ASSERT_TRUE(box.deliver(down, now, 10, stats));
    EXPECT_EQ(stats.attempted, 1u);
    EXPECT_EQ(stats.retried, 1u);
    const OutboxCounts c = box.counts();
    EXPECT_EQ(c.pending, 1u);
    EXPECT_EQ(c.failed_attempts, i + 1);
    EXPECT_EQ(c.next_attempt, now + delays[i]);
    EXPECT_THAT(c.last_error, HasSubstr("unreachable"));
    // Not due a millisecond early.
    ASSERT_TRUE(box.deliver(down, now + delays[i] - 1, 10, stats));
    EXPECT_EQ(stats.attempted, 0u);
    now += delays[i];
  }
  DeliverStats stats;
  ASSERT_TRUE(box.deliver(recording(), now, 10, stats));
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(box.counts().pending, 0u);
  EXPECT_EQ(sent_["m1@yuqing a@d.gov.cn"], 6);
}

TEST_F(OutboxTest, ARetryLaterEndsThePassSoADownServerIsAskedOncePerPass) {
  Outbox box = outbox();
  ASSERT_TRUE(box.enqueue(email("m1"), kNow));
  DeliverStats stats;
  ASSERT_TRUE(box.deliver(recording([](const OutboxEntry&) { return Status::retry_later("refused"); }), kNowMs, 10, stats));
  EXPECT_EQ(stats.attempted, 1u);
  EXPECT_EQ(box.counts().pending, 3u);
  EXPECT_EQ(box.counts().failed_attempts, 1u);
}

TEST_F(OutboxTest, SenderVerdictsTable) {
  struct Case {
    const char* name;
    Status verdict_for_b;  // a and c are accepted (unless every copy fails)
    bool every_copy;
    bool pass_ok;
    std::size_t delivered, pending, failed;
  };
  const std::vector<Case> cases = {
      {"ok", Status::ok(), false, true, 3, 0, 0},
      {"reject parks only that copy", Status::reject("550 no such user"), false, true, 2, 0, 1},
      {"fatal stops the pass and keeps every copy", Status::fatal("535 auth"), true, false, 0, 3, 0},
      {"invalid stops the pass too", Status::invalid("bad url"), true, false, 0, 3, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(dir_);
    Outbox box = outbox();
    ASSERT_TRUE(box.enqueue(email("m1"), kNow));
    DeliverStats stats;
    const Status verdict = c.verdict_for_b;
    const Status s = box.deliver(
        recording([&](const OutboxEntry& e) { return c.every_copy || e.rcpt == "b@d.gov.cn" ? verdict : Status::ok(); }), kNowMs, 10, stats);
    EXPECT_EQ(s.is_ok(), c.pass_ok) << s.to_string();
    const OutboxCounts n = box.counts();
    EXPECT_EQ(n.delivered, c.delivered);
    EXPECT_EQ(n.pending, c.pending);
    EXPECT_EQ(n.failed, c.failed);
  }
}

TEST_F(OutboxTest, ANewOutboxOnTheSameDirectoryResumes) {
  {
    Outbox first = outbox();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(first.enqueue(email("m" + std::to_string(i)), kNow));
    DeliverStats stats;
    ASSERT_TRUE(first.deliver(recording(), kNowMs, 4, stats));
    EXPECT_EQ(stats.delivered, 4u);
    ASSERT_TRUE(first.deliver(recording([](const OutboxEntry&) { return Status::retry_later("down"); }), kNowMs, 4, stats));
  }  // the process "dies" here
  Outbox second = outbox();
  OutboxCounts c = second.counts();
  EXPECT_EQ(c.delivered, 4u);
  EXPECT_EQ(c.pending, 5u);
  EXPECT_EQ(c.failed_attempts, 1u) << "the attempt count survives the restart";
  DeliverStats stats;
  ASSERT_TRUE(second.deliver(recording(), kNowMs + kBase, 100, stats));
  EXPECT_EQ(stats.delivered, 5u);
  // Every copy sent once, except the one whose attempt failed before the restart: twice.
  ASSERT_EQ(sent_.size(), 9u);
  int twice = 0;
  for (const auto& [copy, times] : sent_) {
    EXPECT_LE(times, 2) << copy;
    twice += times == 2;
  }
  EXPECT_EQ(twice, 1);
  // Enqueueing everything again after the restart, as a re-run caller would, adds nothing.
  int added = -1;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(second.enqueue(email("m" + std::to_string(i)), kNow + 3600, &added));
    EXPECT_EQ(added, 0);
  }
}

TEST_F(OutboxTest, OnlyOneProcessDeliversAtATime) {
  Outbox box = outbox();
  ASSERT_TRUE(box.enqueue(email("m1", {"a@d.gov.cn"}), kNow));
  Status inner;
  DeliverStats stats;
  ASSERT_TRUE(box.deliver(
      [&](const OutboxEntry&) {
        DeliverStats other;
        inner = outbox().deliver(recording(), kNowMs, 10, other);
        return Status::ok();
      },
      kNowMs, 10, stats));
  EXPECT_EQ(inner.kind(), Status::Kind::retry_later);
  EXPECT_THAT(inner.message(), HasSubstr("another process"));
  EXPECT_TRUE(sent_.empty());
}

TEST_F(OutboxTest, EntriesAreWholeFilesWithNoTemporariesLeft) {
  Outbox box = outbox();
  ASSERT_TRUE(box.enqueue(email("m1"), kNow));
  std::size_t files = 0;
  for (const auto& d : fs::directory_iterator(dir_ / "pending")) {
    EXPECT_EQ(d.path().extension(), ".json") << d.path();
    ++files;
  }
  EXPECT_EQ(files, 3u);
}

TEST(Backoff, DoublesFromBaseUpToTheCap) {
  const Outbox box("/nonexistent", 250, 3000);
  const std::vector<std::pair<int, UnixMillis>> cases = {{1, 250}, {2, 500}, {3, 1000}, {4, 2000}, {5, 3000}, {60, 3000}};
  for (const auto& [attempts, delay] : cases) EXPECT_EQ(box.backoff_ms(attempts), delay) << attempts;
}

}  // namespace
}  // namespace yuqing::mail

namespace yuqing::mail {

// Disk full (issue 15's fault matrix): the outbox on a 256 KB tmpfs. Enqueueing into a full disk is
// retry_later naming the file and the cause, leaves no partial entry, and once space returns the
// same e-mails enqueue again and each copy is delivered exactly once.
TEST(OutboxDiskFull, RetryLaterThenNothingLostOnceSpaceReturns) {
  const fs::path mnt = fs::temp_directory_path() / ("yuqing-outbox-tmpfs-" + std::to_string(::getpid()));
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
    fs::remove(mnt);
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " << std::strerror(errno);
  }
  struct Unmount {
    fs::path p;
    ~Unmount() {
      ::umount(p.c_str());
      fs::remove_all(p);
    }
  } unmount{mnt};

  Outbox box(mnt / "outbox", 1000, 5000);
  auto email = [](int i) {
    Email e;
    e.from = "yuqing <yuqing@localhost>";
    e.to = {"a@d.gov.cn", "b@d.gov.cn"};
    e.subject = "预警 " + std::to_string(i);
    e.text = std::string(6000, 'x') + std::to_string(i);  // ~8 KB an entry once encoded
    e.message_id = "m" + std::to_string(i) + "@yuqing";
    return e;
  };
  // Fill the rest of the disk, so the outbox meets a full disk after a few entries.
  {
    std::ofstream filler(mnt / "filler", std::ios::binary);
    filler << std::string(150 * 1024, 'f');
  }
  int enqueued = 0, full_at = -1;
  Status full;
  for (int i = 0; i < 40 && full_at < 0; ++i) {
    if (Status s = box.enqueue(email(i), kNow); s) {
      ++enqueued;
    } else {
      full = s;
      full_at = i;
    }
  }
  ASSERT_GE(full_at, 0) << "the disk never filled";
  EXPECT_EQ(full.kind(), Status::Kind::retry_later) << full.to_string();
  EXPECT_THAT(full.to_string(), HasSubstr("No space left on device"));
  EXPECT_THAT(full.to_string(), HasSubstr((mnt / "outbox").string()));
  // No temporary or partial file is left behind: every pending entry is a whole one.
  for (const auto& f : fs::directory_iterator(mnt / "outbox" / "pending")) {
    EXPECT_EQ(f.path().filename().string().rfind(".tmp", 0), std::string::npos) << f.path();
    std::ifstream in(f.path());
    const std::string body((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(nlohmann::json::accept(body)) << f.path() << " is not a whole entry";
  }

  // Space returns; the caller enqueues everything again (what the alert runner does).
  fs::remove(mnt / "filler");
  for (int i = 0; i <= full_at; ++i) ASSERT_TRUE(box.enqueue(email(i), kNow)) << i;
  std::map<std::string, int> sent;
  DeliverStats stats;
  ASSERT_TRUE(box.deliver([&](const OutboxEntry& e) { ++sent[e.message_id + " " + e.rcpt]; return Status::ok(); },
                          kNowMs, 1000, stats));
  EXPECT_EQ(sent.size(), size_t(2 * (full_at + 1)));
  for (const auto& [copy, n] : sent) EXPECT_EQ(n, 1) << copy;
}

}  // namespace yuqing::mail
