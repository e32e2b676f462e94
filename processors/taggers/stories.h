// Stories: documents that say the same thing — reposts, copies, lightly edited re-publications —
// grouped under one story id.
// - exact duplicates: same normalised text (content hash);
// - near-duplicates of long texts (>= long_chars characters): 64-bit SimHash over the words,
//   Hamming distance <= simhash_bits, found through four 16-bit bands (pigeonhole: two hashes
//   within 3 bits agree on at least one band);
// - near-duplicates of short posts: MinHash (32 hashes) over character 3-grams, LSH with 8 bands of
//   4 rows, accepted when the estimated Jaccard similarity >= min_jaccard.
// A document that joins a story gets that story's id (the content hash of its first document);
// otherwise it opens a story under its own content hash. Story statistics — first source, first
// time, repost count — are aggregates over story_id in storage (argMin(site, published_at),
// count() - 1), exact across processor instances and replays.
//
// State is bounded: at most `capacity` stories, the least recently joined evicted first (a repost
// of an evicted story opens a new story). Sharing across processor instances: every instance keeps
// its own index, so an exact duplicate always lands in the same story (the id is a content hash),
// while a near-duplicate whose story lives in another instance opens its own story. This is the
// documented choice until stories get a shared store (docs/ARCHITECTURE.md).
//
// Contract: assign() is thread-safe (one mutex); the index only grows to `capacity`.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "processors/text/segment.h"

namespace yuqing::processors {

struct StoryOptions {
  size_t capacity = 200000;
  size_t long_chars = 200;
  int simhash_bits = 3;
  double min_jaccard = 0.6;
};

struct StoryAssignment {
  std::string story_id;
  std::string match;  // "" (opens the story), "exact" or "near"
};

uint64_t simhash64(const std::vector<Token>& tokens);
std::vector<uint32_t> minhash32(std::string_view text);  // 32 values

class StoryTracker {
 public:
  explicit StoryTracker(StoryOptions options = {}) : options_(options) {}
  StoryAssignment assign(const std::string& content_hash, std::string_view text, const std::vector<Token>& tokens);
  size_t size() const;

 private:
  struct Story {
    std::string id;
    bool long_text = false;
    uint64_t simhash = 0;
    std::vector<uint32_t> minhash;
    std::vector<uint64_t> band_keys;
    std::vector<std::string> hashes;  // exact content hashes pointing here
  };
  using Ref = std::list<Story>::iterator;
  void touch(Ref s);
  void evict();

  StoryOptions options_;
  mutable std::mutex mu_;
  std::list<Story> lru_;  // front = most recently joined
  std::unordered_map<std::string, Ref> by_hash_;
  std::unordered_multimap<uint64_t, Ref> by_band_;
};

}  // namespace yuqing::processors
