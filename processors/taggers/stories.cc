#include "processors/taggers/stories.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finaliser: a cheap, well-spread 64-bit hash
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return mix(h);
}

constexpr size_t kMaxHashesPerStory = 16;
constexpr int kMinHashes = 32, kBands = 8, kRows = kMinHashes / kBands;

}  // namespace

uint64_t simhash64(const std::vector<Token>& tokens) {
  int v[64] = {};
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::punct) continue;
    const uint64_t h = hash_bytes(t.text);
    for (int b = 0; b < 64; ++b) v[b] += (h >> b) & 1 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b)
    if (v[b] > 0) out |= 1ull << b;
  return out;
}

std::vector<uint32_t> minhash32(std::string_view text) {
  std::vector<uint32_t> mins(kMinHashes, std::numeric_limits<uint32_t>::max());
  std::vector<size_t> starts;
  for (size_t pos = 0; pos < text.size(); pos += utf8::char_len(static_cast<unsigned char>(text[pos]))) starts.push_back(pos);
  starts.push_back(text.size());
  const size_t n = starts.size() - 1;
  for (size_t i = 0; i + 3 <= n || (i == 0 && n > 0); ++i) {
    const size_t end = starts[std::min(i + 3, n)];
    const uint64_t h = hash_bytes(text.substr(starts[i], end - starts[i]));
    for (int k = 0; k < kMinHashes; ++k) mins[size_t(k)] = std::min(mins[size_t(k)], uint32_t(mix(h + uint64_t(k)) >> 32));
    if (i + 3 > n) break;
  }
  return mins;
}

size_t StoryTracker::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

void StoryTracker::touch(Ref s) { lru_.splice(lru_.begin(), lru_, s); }

void StoryTracker::evict() {
  Ref victim = std::prev(lru_.end());
  for (const auto& h : victim->hashes) by_hash_.erase(h);
  for (uint64_t key : victim->band_keys) {
    auto [b, e] = by_band_.equal_range(key);
    for (auto it = b; it != e;) it = it->second == victim ? by_band_.erase(it) : std::next(it);
  }
  lru_.erase(victim);
}

StoryAssignment StoryTracker::assign(const std::string& content_hash, std::string_view text, const std::vector<Token>& tokens) {
  const bool long_text = utf8::count(text) >= options_.long_chars;
  uint64_t sim = 0;
  std::vector<uint32_t> mins;
  std::vector<uint64_t> keys;
  if (long_text) {
    sim = simhash64(tokens);
    for (uint64_t band = 0; band < 4; ++band) keys.push_back(mix((band << 16 | ((sim >> (16 * band)) & 0xFFFF)) ^ 0x51ull));
  } else {
    mins = minhash32(text);
    for (int band = 0; band < kBands; ++band) {
      uint64_t h = uint64_t(band) + 0x3Cull;
      for (int r = 0; r < kRows; ++r) h = mix(h ^ mins[size_t(band * kRows + r)]);
      keys.push_back(h);
    }
  }

  std::lock_guard lock(mu_);
  if (const auto it = by_hash_.find(content_hash); it != by_hash_.end()) {
    touch(it->second);
    return {it->second->id, "exact"};
  }
  for (uint64_t key : keys) {
    auto [b, e] = by_band_.equal_range(key);
    for (auto it = b; it != e; ++it) {
      const Story& s = *it->second;
      if (s.long_text != long_text) continue;
      bool similar = false;
      if (long_text) {
        similar = std::popcount(s.simhash ^ sim) <= options_.simhash_bits;
      } else {
        int same = 0;
        for (int k = 0; k < kMinHashes; ++k) same += s.minhash[size_t(k)] == mins[size_t(k)];
        similar = double(same) / kMinHashes >= options_.min_jaccard;
      }
      if (!similar) continue;
      Ref story = it->second;
      if (story->hashes.size() < kMaxHashesPerStory) {  // bounded: later copies still match by band
        story->hashes.push_back(content_hash);
        by_hash_.emplace(content_hash, story);
      }
      touch(story);
      return {story->id, "near"};
    }
  }
  if (lru_.size() >= options_.capacity) evict();
  lru_.push_front(Story{content_hash, long_text, sim, std::move(mins), keys, {content_hash}});
  by_hash_.emplace(content_hash, lru_.begin());
  for (uint64_t key : keys) by_band_.emplace(key, lru_.begin());
  return {content_hash, ""};
}

}  // namespace yuqing::processors
