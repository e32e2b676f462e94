// Stories across processor instances (issue 17): the default sandbox scenario's documents go to a
// raw topic of 6 partitions and are enriched once by one `yuqing process` and once by three at the
// same time (each on its own topics and group, all on the shared Kafka). Both runs must group the
// documents into the same stories, and every repost of the truth (duplicate_of) must share its
// original's story, whatever instance either landed on.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/document.h"
#include "sandbox/documents.h"
#include "sandbox/web.h"
#include "stream/kafka.h"
#include "tests/integration/support.h"

namespace yuqing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using Groups = std::set<std::set<std::string>>;  // the stories of more than one document

struct Enriched {
  std::map<std::string, std::string> story_of;  // document id -> story id
  Groups groups;
};

pid_t spawn_processor(const fs::path& config, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(YUQING_BINARY, YUQING_BINARY, "--config", config.c_str(), "process", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

std::string last_line_with(const fs::path& file, const std::string& what) {
  std::ifstream in(file);
  std::string line, found;
  while (std::getline(in, line))
    if (line.find(what) != std::string::npos) found = line;
  return found;
}

// The processors start first and share the 6 partitions; then the documents arrive.
Enriched enrich_with(int instances, const std::vector<Document>& docs, const std::string& name) {
  Config c = testing::isolated_config(name);
  c.kafka.partitions = 6;
  EXPECT_TRUE(kafka::ensure_topics(c.kafka));
  const auto file = testing::write_config_file(c);
  std::vector<pid_t> pids;
  std::vector<fs::path> logs;
  for (int i = 0; i < instances; ++i) {
    logs.push_back(file.parent_path() / ("process-" + std::to_string(i) + ".log"));
    pids.push_back(spawn_processor(file, logs.back()));
  }
  // Every instance in the group with partitions of its own before the first document.
  for (int waited = 0; waited < 300; ++waited) {
    size_t ready = 0;
    for (const auto& log : logs) ready += !last_line_with(log, "kafka: assigned").empty();
    if (ready == logs.size() && waited >= 30) break;
    std::this_thread::sleep_for(100ms);
  }
  Status s;
  {
    auto producer = kafka::Producer::create(c.kafka, "stories-test", s);
    EXPECT_TRUE(s) << s.message();
    for (const auto& d : docs) EXPECT_TRUE(producer->produce(c.kafka.raw_topic, d.id, to_json(d)));
    EXPECT_TRUE(producer->flush(30000));
  }

  Enriched run;
  auto consumer = kafka::Consumer::create(c.kafka, c.processor.group + ".read", {c.kafka.enriched_topic}, s);
  EXPECT_TRUE(s) << s.message();
  for (int idle = 0; run.story_of.size() < docs.size() && idle < 300;) {
    Status error;
    const auto batch = consumer->poll(1000, 200, error);
    idle = batch.empty() ? idle + 1 : 0;
    for (const auto& m : batch) {
      EnrichedDocument e;
      if (parse_enriched(m.value, e)) run.story_of[e.doc.id] = e.tags.story_id;
    }
  }
  for (pid_t pid : pids) kill(pid, SIGTERM);
  for (size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    waitpid(pids[i], &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << last_line_with(logs[i], "error");
    std::cout << name << " instance " << i << ": " << last_line_with(logs[i], "consumed") << "\n";
  }
  std::map<std::string, std::set<std::string>> by_story;
  for (const auto& [id, story] : run.story_of) by_story[story].insert(id);
  for (auto& [story, ids] : by_story)
    if (ids.size() > 1) run.groups.insert(std::move(ids));
  return run;
}

TEST(StoriesAcrossProcessors, ThreeProcessorsOnSixPartitionsGroupAsOne) {
  const Config base = testing::isolated_config("stories_truth");
  const auto web = sandbox::SandboxWeb::generate(sandbox::load_scenario(base.resolve(base.sandbox.scenario)), base.sandbox.seed);
  const auto origins = sandbox::origins_for(base.sandbox.host, base.sandbox.port);
  const std::vector<Document> docs = sandbox::crawled_documents(web, origins);

  const Enriched one = enrich_with(1, docs, "stories_one");
  const Enriched three = enrich_with(3, docs, "stories_three");
  ASSERT_EQ(one.story_of.size(), docs.size());
  ASSERT_EQ(three.story_of.size(), docs.size());
  EXPECT_EQ(one.groups, three.groups);
  EXPECT_GT(one.groups.size(), 40u);

  size_t reposts = 0, joined = 0;
  for (const auto& d : web.documents()) {
    if (d.duplicate_of < 0) continue;
    ++reposts;
    const std::string copy = web.document_id(d, origins), original = web.document_id(web.documents()[size_t(d.duplicate_of)], origins);
    joined += three.story_of.at(copy) == three.story_of.at(original);
  }
  EXPECT_GT(reposts, 50u);
  EXPECT_EQ(joined, reposts);
  // Pair counting against the truth, as tests/eval/stories_eval.py: copies share a duplicate_of root.
  auto pairs = [&](const Enriched& run) {
    std::map<std::string, std::string> root;
    for (const auto& d : web.documents()) {
      const sandbox::TruthDoc* r = &d;
      while (r->duplicate_of >= 0) r = &web.documents()[size_t(r->duplicate_of)];
      root[web.document_id(d, origins)] = web.document_id(*r, origins);
    }
    std::map<std::string, size_t> by_story, by_root;
    std::map<std::pair<std::string, std::string>, size_t> by_both;
    for (const auto& [id, story] : run.story_of) ++by_story[story], ++by_root[root[id]], ++by_both[{story, root[id]}];
    auto count = [](const auto& m) {
      size_t n = 0;
      for (const auto& [k, v] : m) n += v * (v - 1) / 2;
      return n;
    };
    const size_t same = count(by_story), copies = count(by_root), both = count(by_both);
    return std::to_string(both) + "/" + std::to_string(same) + " precision, " + std::to_string(both) + "/" + std::to_string(copies) + " recall";
  };
  std::cout << "pairs, one processor: " << pairs(one) << "; three: " << pairs(three) << "\n";
  std::cout << "stories of more than one document: one processor " << one.groups.size() << ", three " << three.groups.size()
            << "; reposts sharing their original's story with three: " << joined << " of " << reposts << "\n";
}

}  // namespace
}  // namespace yuqing
