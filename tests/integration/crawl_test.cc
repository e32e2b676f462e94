// The crawler against the sandbox web (docs/SANDBOX.md) and the real Kafka: every document of the
// truth file exactly once with the right parent, charsets decoded, robots.txt respected, 304s on
// re-crawl, the 429/503/slow/huge/redirect quirks survived, and a SIGKILL in the middle of a crawl
// (the `yuqing crawl` binary) followed by a restart that misses nothing and fetches nothing again
// before it is due.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/document.h"
#include "crawlers/crawler.h"
#include "crawlers/frontier.h"
#include "crawlers/robots.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "sandbox/web.h"
#include "storage/kafka/kafka.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;

struct Truth {
  std::map<std::string, nlohmann::json> by_id;
};

Truth read_truth(const std::string& jsonl) {
  Truth t;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) {
      auto j = nlohmann::json::parse(line);
      t.by_id[j["id"].get<std::string>()] = j;
    }
  return t;
}

// Every raw document on the topic, by id (the last one wins), and how many messages there were.
std::map<std::string, Document> read_topic(const Config& c, size_t& messages) {
  Status s;
  auto consumer = kafka::Consumer::create(c.kafka, c.kafka.raw_topic + ".reader." + std::to_string(::getpid()),
                                          {c.kafka.raw_topic}, s);
  EXPECT_TRUE(s) << s.to_string();
  std::map<std::string, Document> out;
  messages = 0;
  int idle = 0;
  while (consumer && idle < 10) {
    auto batch = consumer->poll(1000, 500, s);
    if (batch.empty()) {
      idle += consumer->at_end() ? 3 : 1;
      continue;
    }
    idle = 0;
    for (const auto& m : batch) {
      Document d;
      EXPECT_TRUE(parse_document(m.value, d)) << m.value;
      ++messages;
      out[d.id] = d;
    }
  }
  return out;
}

class CrawlSandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::isolated_config("crawl");
    ASSERT_TRUE(kafka::ensure_topics(config_.kafka));
    web_ = std::make_unique<sandbox::SandboxWeb>(
        sandbox::SandboxWeb::generate(sandbox::load_scenario(config_.resolve(config_.sandbox.scenario)), config_.sandbox.seed));
    server_ = std::make_unique<sandbox::SandboxServer>(*web_);
    ASSERT_TRUE(server_->start("127.0.0.1", 0));
    truth_ = read_truth(web_->truth_jsonl(server_->origins()));
    home_ = fs::temp_directory_path() / (config_.clickhouse.database + "_crawl");
    fs::remove_all(home_);
    fs::create_directories(home_);
    // The shipped sources, pointed at this test's ports.
    std::ifstream in(config_.resolve(config_.crawler.sources_file));
    std::stringstream text;
    text << in.rdbuf();
    std::string sources = text.str();
    for (size_t k = 0; k < server_->origins().size(); ++k) {
      const std::string from = "http://127.0.0.1:" + std::to_string(18080 + k);
      for (size_t p = sources.find(from); p != std::string::npos; p = sources.find(from, p))
        sources.replace(p, from.size(), server_->origins()[k]);
    }
    sources_file_ = home_ / "sources.yaml";
    // Links to paths robots.txt disallows become candidates, so that respecting robots.txt is tested.
    for (size_t p = sources.find("    follow: ["); p != std::string::npos; p = sources.find("    follow: [", p + 1))
      sources.insert(p + 13, R"('/(member/|portal/admin/|portal/search|lyb/post|lyb/search|home\.php|search\.php|user/)', )");
    std::ofstream(sources_file_) << sources;
    config_.crawler.sources_file = sources_file_.string();
    config_.crawler.state_dir = (home_ / "state").string();
    config_.crawler.retry_base_ms = 200;
    config_.crawler.max_in_flight = 16;
  }

  Status crawl(crawlers::CrawlStats& stats, const std::vector<crawlers::Source>& sources) {
    Status s;
    auto producer = kafka::Producer::create(config_.kafka, "crawl-test", s);
    if (!s) return s;
    crawlers::CrawlOptions o;
    o.once = true;
    o.persist = true;
    return crawlers::run_crawl(config_, sources, *producer, stats, o);
  }

  void expect_exactly_the_truth(const std::map<std::string, Document>& got) {
    size_t missing = 0, wrong_parent = 0, replacement = 0;
    std::map<std::string, size_t> missing_by_kind;
    for (const auto& [id, t] : truth_.by_id) {
      auto it = got.find(id);
      if (it == got.end()) {
        ++missing_by_kind[t["site"].get<std::string>() + "/" + t["kind"].get<std::string>()];
        if (++missing <= 10) ADD_FAILURE() << "missing " << t["url"] << " " << t["kind"] << " quirk " << t["quirk"];
        continue;
      }
      const std::string parent = t["parent"].is_null() ? "" : t["parent"].get<std::string>();
      if (it->second.parent_id != parent && ++wrong_parent <= 10)
        ADD_FAILURE() << "parent of " << t.dump() << " is '" << it->second.parent_id << "'";
      if (it->second.text.find("\xEF\xBF\xBD") != std::string::npos && ++replacement <= 10)
        ADD_FAILURE() << "U+FFFD in " << t["url"];
      EXPECT_EQ(to_string(it->second.kind), t["kind"].get<std::string>())
          << t["url"];
    }
    size_t extra = 0;
    for (const auto& [id, d] : got)
      if (!truth_.by_id.count(id) && ++extra <= 10) ADD_FAILURE() << "not in the truth: " << d.url << " " << to_string(d.kind);
    for (const auto& [what, n] : missing_by_kind) ADD_FAILURE() << n << " missing of " << what;
    EXPECT_EQ(missing, 0u);
    EXPECT_EQ(wrong_parent, 0u);
    EXPECT_EQ(replacement, 0u);
    EXPECT_EQ(got.size(), truth_.by_id.size());
  }

  void TearDown() override {
    if (server_) server_->stop();
    std::error_code ec;
    fs::remove_all(home_, ec);
  }

  Config config_;
  std::unique_ptr<sandbox::SandboxWeb> web_;
  std::unique_ptr<sandbox::SandboxServer> server_;
  Truth truth_;
  fs::path home_, sources_file_;
};

}  // namespace

TEST_F(CrawlSandbox, FindsEveryDocumentOnceRespectsRobotsAndUses304OnRecrawl) {
  const auto sources = crawlers::load_sources(sources_file_);
  crawlers::CrawlStats stats;
  ASSERT_TRUE(crawl(stats, sources));
  size_t messages = 0;
  const auto got = read_topic(config_, messages);
  expect_exactly_the_truth(got);
  EXPECT_EQ(messages, truth_.by_id.size()) << "one message per document in one pass";
  EXPECT_EQ(stats.documents, truth_.by_id.size());

  uint64_t quirks = 0;
  for (int site = 0; site < 5; ++site) {
    const auto st = server_->stats(site);
    EXPECT_EQ(st.disallowed_hits, 0u) << "site " << site << " was asked for a path robots.txt disallows";
    for (const auto& [q, n] : st.quirk_hits) quirks += n;
  }
  EXPECT_GT(quirks, 0u) << "the quirk pages were reached";
  for (const auto& [id, t] : truth_.by_id) {
    if (!t.contains("quirk") || t["quirk"].is_null()) continue;
    EXPECT_TRUE(got.count(id)) << "quirk document lost: " << t["quirk"] << " " << t["url"];
  }
  for (const auto& [id, d] : got)
    if (d.site == "local-news") {
      EXPECT_EQ(d.charset, "gb18030") << d.url;
    }
  EXPECT_GT(stats.sources["district-portal"].robots_disallowed + stats.sources["local-news"].robots_disallowed, 0u)
      << "pages link to disallowed paths on purpose";

  // Time passes: the lists, feeds and sitemaps become due. A second pass asks with the validators
  // it stored: the unchanged pages answer 304 and nothing new is produced.
  size_t lists = 0;
  for (const auto& source : sources) {
    crawlers::Frontier f(fs::path(config_.crawler.state_dir) / (source.name + ".state"));
    ASSERT_TRUE(f.load());
    for (const auto& [url, st] : std::map<std::string, crawlers::UrlState>(f.urls())) {
      if (st.role != crawlers::Role::list && st.role != crawlers::Role::feed && st.role != crawlers::Role::sitemap) continue;
      if (st.last_status != 200) continue;
      crawlers::UrlState due = f.checkout(url);
      due.next_due = 0;
      f.complete(due);
      ++lists;
    }
    ASSERT_TRUE(f.commit());
  }
  ASSERT_GT(lists, 0u);
  uint64_t not_modified_before = 0;
  for (int site = 0; site < 5; ++site) not_modified_before += server_->stats(site).not_modified;
  crawlers::CrawlStats again;
  ASSERT_TRUE(crawl(again, sources));
  uint64_t not_modified_after = 0;
  for (int site = 0; site < 5; ++site) not_modified_after += server_->stats(site).not_modified;
  EXPECT_EQ(again.not_modified, lists) << "every list was asked conditionally and was unchanged";
  EXPECT_EQ(not_modified_after - not_modified_before, again.not_modified);
  EXPECT_EQ(again.documents, 0u) << "unchanged pages produce nothing";
}

#ifdef YUQING_BINARY
TEST(RobotsCheck, AnswersEachLineWithTheCrawlersMatcher) {
  const std::string robots = "User-agent: *\nDisallow: /private\nAllow: /private/ok$\n\nUser-agent: yuqing\nDisallow: /x*.pdf$\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"yuqing/0.1", "http://a.cn/x/report.pdf"}, {"yuqing/0.1", "http://a.cn/private/a"},
      {"OtherBot", "http://a.cn/private/a"},      {"OtherBot", "http://a.cn/private/ok"},
      {"OtherBot", "http://a.cn/private/ok?x"},   {"YUQING", "http://a.cn/x.pdf?download"}};
  const fs::path input = fs::temp_directory_path() / ("robots_check_" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(input);
    for (const auto& [agent, url] : cases)
      out << nlohmann::json{{"robots_txt", robots}, {"user_agent", agent}, {"url", url}}.dump() << "\n";
  }
  FILE* p = ::popen((std::string(YUQING_BINARY) + " robots-check < " + input.string()).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  EXPECT_EQ(::pclose(p), 0);
  fs::remove(input);
  const auto rules = crawlers::RobotsRules::parse(robots);
  std::string expected;
  for (const auto& [agent, url] : cases) expected += rules.allowed(agent, url) ? "{\"allowed\":true}\n" : "{\"allowed\":false}\n";
  EXPECT_EQ(output, expected);
  EXPECT_EQ(output, "{\"allowed\":false}\n{\"allowed\":true}\n{\"allowed\":false}\n{\"allowed\":true}\n"
                    "{\"allowed\":false}\n{\"allowed\":true}\n");
}

TEST_F(CrawlSandbox, SigkillInTheMiddleThenRestartMissesNothingAndRefetchesNothingNotDue) {
  // write_config_file keeps only the essentials; the crawler options this test needs are added.
  const fs::path config_file = testing::write_config_file(config_);
  std::string yaml;
  {
    std::ifstream in(config_file);
    std::stringstream s;
    s << in.rdbuf();
    yaml = s.str();
  }
  const std::string key = "crawler:\n";
  yaml.replace(yaml.find(key), key.size(),
               key + "  state_dir: " + config_.crawler.state_dir + "\n  retry_base_ms: 200\n");
  std::ofstream(config_file) << yaml;

  auto run = [&](bool kill_midway) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string log = (home_ / (kill_midway ? "first.log" : "second.log")).string();
      std::freopen(log.c_str(), "w", stderr);
      ::execl(YUQING_BINARY, YUQING_BINARY, "--config", config_file.c_str(), "crawl", "--once", "--no-health", nullptr);
      ::_exit(127);
    }
    int status = 0;
    if (kill_midway) {
      const fs::path state = fs::path(config_.crawler.state_dir) / "local-news.state";
      for (int i = 0; i < 600; ++i) {  // until a good part of local-news is committed
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::error_code ec;
        const auto size = fs::file_size(state, ec);
        if (!ec && size > 40000) break;
      }
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFSIGNALED(status)) << "the crawl ended before it was killed; make the kill earlier";
    } else {
      ::waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  };

  run(true);
  // What the killed crawl had committed: URLs not due before the restart must not be fetched again.
  std::map<std::string, crawlers::UrlState> committed;
  for (const auto& entry : fs::directory_iterator(config_.crawler.state_dir)) {
    if (entry.path().extension() != ".state") continue;
    crawlers::Frontier f(entry.path());
    ASSERT_TRUE(f.load());
    for (const auto& [url, st] : f.urls()) committed[url] = st;
  }
  ASSERT_FALSE(committed.empty());
  const double restart = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  run(false);

  size_t refetched_early = 0, fetched_in_second = 0;
  for (const auto& entry : fs::directory_iterator(config_.crawler.state_dir)) {
    if (entry.path().extension() != ".state") continue;
    crawlers::Frontier f(entry.path());
    ASSERT_TRUE(f.load());
    for (const auto& [url, st] : f.urls()) {
      if (st.last_fetch < restart) continue;
      ++fetched_in_second;
      auto before = committed.find(url);
      if (before != committed.end() && before->second.last_fetch > 0 && before->second.next_due > restart) {
        if (++refetched_early <= 10) ADD_FAILURE() << "fetched again before due: " << url;
      }
    }
  }
  EXPECT_EQ(refetched_early, 0u);
  EXPECT_GT(fetched_in_second, 0u);
  size_t messages = 0;
  expect_exactly_the_truth(read_topic(config_, messages));
}
#endif

}  // namespace yuqing
