// Stories: documents that say the same thing — reposts, copies, lightly edited re-publications —
// grouped under one story id. What counts as a copy:
// - the same normalised text (content hash), or
// - near the same text: the character 3-grams of the two texts' content characters (letters,
//   digits, CJK; punctuation, spaces and emoji dropped) overlap so that the smaller set is at least
//   `min_containment` inside the larger and the smaller is at least `min_size_ratio` of the
//   larger. Containment, not plain similarity, so that a repost wrapped in a line of its own
//   ("转自…", "【转帖】", a forum signature, an editor's note) still matches its original, and the
//   size ratio so that a remark quoting one sentence of an article does not. Estimated from 64
//   MinHash values and the 3-gram counts; candidates found by LSH over 16 bands of 4 values
//   (one text of 3-gram similarity 0.6 meets its original in some band with probability 0.89).
// - Not copies: a text of fewer than `min_chars` content characters ("关注一下", "同问", "顶"), and a
//   reaction (a comment, a reply, a post answering a thread) of fewer than `reaction_min_chars`:
//   such remarks are repeated by different people without copying anyone. Each is a story of its
//   own, under its document id.
// A document that joins a story gets that story's id (the content hash of its first document);
// otherwise it opens a story under its own content hash. Story statistics — first source, first
// time, repost count — are aggregates over story_id in storage (argMin(site, published_at),
// count() - 1), exact across processor instances and replays.
//
// State is bounded: at most `capacity` stories, the least recently joined evicted first (a repost
// of an evicted story opens a new story).
//
// Across processor instances (set_log): every story is opened through one shared, totally ordered
// log (processors/processor.h: a single-partition Kafka topic). Each instance learns the log's
// records in log order and applies the same rule to each (a record that matches an earlier story
// is an alias of it), so every instance holds the same index. Claims go per batch: with a log,
// assign() opens a document that matches nothing known only provisionally, under the id it would
// have (its content hash); later documents that copy it join it as usual. settle() then appends
// the batch's new stories in one go and reads the log up to the last of them: each claim is learned
// at its place in the log, so if anything appended before it — by any instance, however recently —
// matches, it becomes an alias of that story everywhere, and settle() reports its provisional id
// as moved to the earlier story's (with its copies of the batch). So a copy joins its original's
// story whatever instance either lands on, also when both arrive at once. Without a log
// (`yuqing analyze`, the backtest, unit tests) the index is the instance's own and assign() is
// final. Limits: eviction is per instance (at capacity, instances may forget different stories); a
// log that fails makes the instance open the batch's stories locally (logged), as without a log.
//
// Contract: assign() and settle() are thread-safe (one mutex, held across settle's round trip); with
// a log, the story ids of a batch's documents are final only after settle(); the index only grows
// to `capacity`.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace yuqing::processors {

struct StoryOptions {
  size_t capacity = 200000;
  size_t min_chars = 20;            // fewer content characters: a story of its own
  size_t reaction_min_chars = 60;   // the same for comments, replies and posts answering a thread
  double min_containment = 0.8;     // the smaller 3-gram set inside the larger, at least
  double min_size_ratio = 0.5;      // the smaller 3-gram set against the larger, at least
};

// What the tracker reads of a document.
struct StoryInput {
  std::string_view id;            // the document id ("" when unknown: the content hash stands in)
  std::string_view content_hash;  // of the normalised text
  std::string_view text;          // normalised text (without the title)
  bool reaction = false;          // a comment, a reply, a post answering a thread
};

struct StoryAssignment {
  std::string story_id;
  std::string match;  // "" (opens or is its own story), "exact" or "near"
};

constexpr int kStoryMinHashes = 64;

// A story as the shared log carries it: its id (the content hash of its first document), that
// document's signature and 3-gram count.
struct StoryRecord {
  std::string id;
  std::vector<uint32_t> minhash;
  uint32_t shingles = 0;
};

// The shared log of opened stories (implemented over Kafka by the processor, in memory by tests).
class StoryLog {
 public:
  virtual ~StoryLog() = default;
  // Records appended since the last read_new or claim, in log order (may be none yet).
  virtual Status read_new(std::vector<StoryRecord>& out) = 0;
  // Appends `records` (in this order, one round trip) and returns, in log order, every record not
  // yet returned up to the last of them, these included at their places.
  virtual Status claim(const std::vector<StoryRecord>& records, std::vector<StoryRecord>& log) = 0;
};

// Content characters (letters, digits, CJK) of `text`, in order, each a code point.
std::u32string story_content(std::string_view text);
// MinHash of the 3-grams of `content` (one 3-gram when shorter): kStoryMinHashes values.
std::vector<uint32_t> minhash(const std::u32string& content);
// Estimated containment of the smaller 3-gram set in the larger, from two signatures and the sets'
// sizes (Jaccard J gives |A ∩ B| = J (|A| + |B|) / (1 + J)).
double estimated_containment(const std::vector<uint32_t>& a, size_t a_size, const std::vector<uint32_t>& b, size_t b_size);

class StoryTracker {
 public:
  explicit StoryTracker(StoryOptions options = {}) : options_(options) {}
  StoryAssignment assign(const StoryInput& doc);
  // With a log: claims the stories assign() opened since the last settle() and returns, by
  // provisional id, the final assignment of those that lost to an earlier copy (story_id; match
  // "exact" or "near" for the document that opened it). Documents whose story_id is a key take that
  // story_id. Without a log, or with nothing opened: none.
  std::unordered_map<std::string, StoryAssignment> settle();
  size_t size() const;
  // Opens stories through `log` from now on (nullptr: this instance's own index again); an
  // unsettled batch is dropped. The log must outlive its use here.
  void set_log(StoryLog* log);

 private:
  struct Story {
    std::string id;
    std::vector<uint32_t> minhash;
    uint32_t shingles = 0;
    std::vector<std::string> hashes;  // exact content hashes pointing here
  };
  using Ref = std::list<Story>::iterator;
  void touch(Ref s);
  void evict();
  // A story opened by assign() and not yet claimed (with a log).
  struct Provisional {
    StoryRecord record;
    std::vector<std::string> hashes;  // exact content hashes pointing here, its own first
  };
  // The story `mins` belongs to, lru_.end() when none (caller holds mu_); with `provisional`, the
  // batch's unclaimed stories compete too (*provisional set to the index of the best, or -1).
  Ref match(const std::vector<uint32_t>& mins, size_t shingles, const std::vector<uint64_t>& keys,
            long* provisional = nullptr);
  // Adds a record in log order: a new story, or an alias of the story it matches; returns that
  // story (lru_.end() for a malformed record) and in `how` "" (opened), "exact" or "near".
  Ref learn(const StoryRecord& record, std::string* how = nullptr);
  Ref open(const StoryRecord& record, const std::vector<uint64_t>& keys);
  void alias(Ref story, const std::string& hash);

  StoryOptions options_;
  mutable std::mutex mu_;
  std::list<Story> lru_;  // front = most recently joined
  std::unordered_map<std::string, Ref> by_hash_;
  std::unordered_multimap<uint64_t, Ref> by_band_;
  StoryLog* log_ = nullptr;
  bool reading_ = false;  // the log was read for the batch in hand
  std::vector<Provisional> batch_;
  std::unordered_map<std::string, size_t> batch_hash_;
  std::unordered_multimap<uint64_t, size_t> batch_band_;
};

}  // namespace yuqing::processors
