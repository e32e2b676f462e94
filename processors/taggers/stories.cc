#include "processors/taggers/stories.h"

#include <algorithm>
#include <limits>

#include <spdlog/spdlog.h>

#include "processors/text/utf8.h"

namespace yuqing::processors {
namespace {

uint64_t mix(uint64_t x) {  // splitmix64 finaliser: a cheap, well-spread 64-bit hash
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

constexpr size_t kMaxHashesPerStory = 16;
constexpr int kBands = 16, kRows = kStoryMinHashes / kBands;

// The multipliers of the MinHash family h_k(x) = (a_k x + b_k) >> 32, a_k odd: fixed, so that every
// instance and every version computes the same signatures.
struct Family {
  uint64_t a[kStoryMinHashes], b[kStoryMinHashes];
  Family() {
    for (int k = 0; k < kStoryMinHashes; ++k) {
      a[k] = mix(0xA5A5ull + uint64_t(k)) | 1;
      b[k] = mix(0x5A5Aull + uint64_t(k));
    }
  }
};
const Family& family() {
  static const Family f;
  return f;
}

bool content_char(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return (c >= 0x00C0 && c <= 0x024F) || (c >= 0x0370 && c <= 0x04FF) ||  // Latin, Greek, Cyrillic letters
         (c >= 0x3040 && c <= 0x30FF) ||                                   // kana
         (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||   // CJK
         (c >= 0xAC00 && c <= 0xD7AF) ||                                   // Hangul
         (c >= 0x20000 && c <= 0x3FFFF);                                   // CJK extensions
}

size_t shingle_count(const std::u32string& content) { return content.size() >= 3 ? content.size() - 2 : 1; }

std::vector<uint64_t> band_keys(const std::vector<uint32_t>& mins) {
  std::vector<uint64_t> keys;
  keys.reserve(kBands);
  for (int band = 0; band < kBands; ++band) {
    uint64_t h = uint64_t(band) + 0x3Cull;
    for (int r = 0; r < kRows; ++r) h = mix(h ^ mins[size_t(band * kRows + r)]);
    keys.push_back(h);
  }
  return keys;
}

}  // namespace

std::u32string story_content(std::string_view text) {
  std::u32string out;
  out.reserve(text.size() / 3 + 1);
  for (size_t pos = 0; pos < text.size();) {
    const char32_t c = utf8::next(text, pos);
    if (content_char(c)) out += c;
  }
  return out;
}

std::vector<uint32_t> minhash(const std::u32string& content) {
  std::vector<uint32_t> mins(kStoryMinHashes, std::numeric_limits<uint32_t>::max());
  const Family& f = family();
  const size_t n = content.size();
  for (size_t i = 0; i == 0 || i + 3 <= n; ++i) {
    uint64_t h = 0x84222325CBF29CE4ull;
    for (size_t j = i; j < std::min(i + 3, n); ++j) h = mix(h ^ content[j]);
    for (int k = 0; k < kStoryMinHashes; ++k) mins[size_t(k)] = std::min(mins[size_t(k)], uint32_t((f.a[k] * h + f.b[k]) >> 32));
    if (n < 3) break;
  }
  return mins;
}

double estimated_containment(const std::vector<uint32_t>& a, size_t a_size, const std::vector<uint32_t>& b, size_t b_size) {
  int same = 0;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) same += a[k] == b[k];
  const double j = double(same) / double(kStoryMinHashes);
  const double inter = j * double(a_size + b_size) / (1 + j);
  return std::min(1.0, inter / double(std::max<size_t>(1, std::min(a_size, b_size))));
}

size_t StoryTracker::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

void StoryTracker::touch(Ref s) { lru_.splice(lru_.begin(), lru_, s); }

void StoryTracker::evict() {
  Ref victim = std::prev(lru_.end());
  for (const auto& h : victim->hashes) by_hash_.erase(h);
  for (uint64_t key : band_keys(victim->minhash)) {
    auto [b, e] = by_band_.equal_range(key);
    for (auto it = b; it != e;) it = it->second == victim ? by_band_.erase(it) : std::next(it);
  }
  lru_.erase(victim);
}

void StoryTracker::set_log(StoryLog* log) {
  std::lock_guard lock(mu_);
  log_ = log;
  reading_ = false;
  batch_.clear();
  batch_hash_.clear();
  batch_band_.clear();
}

StoryTracker::Ref StoryTracker::match(const std::vector<uint32_t>& mins, size_t shingles, const std::vector<uint64_t>& keys,
                                      long* provisional) {
  // The best candidate of any band: the one holding most of the smaller text.
  Ref best = lru_.end();
  long best_provisional = -1;
  double best_containment = 0;
  const std::string* best_id = nullptr;
  auto consider = [&](const std::vector<uint32_t>& s_mins, size_t s_shingles, const std::string& id, Ref ref, long p) {
    const double ratio = double(std::min<size_t>(s_shingles, shingles)) / double(std::max<size_t>(s_shingles, shingles));
    if (ratio < options_.min_size_ratio) return;
    const double c = estimated_containment(s_mins, s_shingles, mins, shingles);
    // Ties go to the older story id (the smaller string): the same choice on every instance.
    if (c >= options_.min_containment && (c > best_containment || (c == best_containment && id < *best_id)))
      best = ref, best_provisional = p, best_containment = c, best_id = &id;
  };
  for (uint64_t key : keys) {
    auto [b, e] = by_band_.equal_range(key);
    for (auto it = b; it != e; ++it) consider(it->second->minhash, it->second->shingles, it->second->id, it->second, -1);
  }
  if (provisional) {
    for (uint64_t key : keys) {
      auto [b, e] = batch_band_.equal_range(key);
      for (auto it = b; it != e; ++it) {
        const StoryRecord& r = batch_[it->second].record;
        consider(r.minhash, r.shingles, r.id, lru_.end(), long(it->second));
      }
    }
    *provisional = best_provisional;
  }
  return best;
}

void StoryTracker::alias(Ref story, const std::string& hash) {
  if (story->hashes.size() < kMaxHashesPerStory && by_hash_.emplace(hash, story).second)  // bounded: copies still match by band
    story->hashes.push_back(hash);
}

StoryTracker::Ref StoryTracker::open(const StoryRecord& r, const std::vector<uint64_t>& keys) {
  if (lru_.size() >= options_.capacity) evict();
  lru_.push_front(Story{r.id, r.minhash, r.shingles, {r.id}});
  by_hash_.emplace(r.id, lru_.begin());
  for (uint64_t key : keys) by_band_.emplace(key, lru_.begin());
  return lru_.begin();
}

StoryTracker::Ref StoryTracker::learn(const StoryRecord& r, std::string* how) {
  if (r.minhash.size() != size_t(kStoryMinHashes)) return lru_.end();
  if (const auto it = by_hash_.find(r.id); it != by_hash_.end()) {
    if (how) *how = "exact";
    return it->second;
  }
  const std::vector<uint64_t> keys = band_keys(r.minhash);
  if (const Ref m = match(r.minhash, r.shingles, keys); m != lru_.end()) {
    alias(m, r.id);
    if (how) *how = "near";
    return m;
  }
  if (how) how->clear();
  return open(r, keys);
}

StoryAssignment StoryTracker::assign(const StoryInput& doc) {
  const std::u32string content = story_content(doc.text);
  if (content.size() < options_.min_chars || (doc.reaction && content.size() < options_.reaction_min_chars))
    return {std::string(doc.id.empty() ? doc.content_hash : doc.id), ""};
  const std::string hash(doc.content_hash);
  StoryRecord record{hash, minhash(content), uint32_t(shingle_count(content))};
  const std::vector<uint64_t> keys = band_keys(record.minhash);

  std::lock_guard lock(mu_);
  if (log_ && !reading_) {  // once a batch: what other instances opened since the last one
    std::vector<StoryRecord> learned;
    if (!log_->read_new(learned))
      spdlog::warn("stories: the shared story log is not readable; matching against what this instance knows");
    for (const auto& r : learned) learn(r);
    reading_ = true;
  }
  if (const auto it = by_hash_.find(hash); it != by_hash_.end()) {
    touch(it->second);
    return {it->second->id, "exact"};
  }
  if (const auto it = batch_hash_.find(hash); it != batch_hash_.end()) return {batch_[it->second].record.id, "exact"};
  long provisional = -1;
  if (const Ref m = match(record.minhash, record.shingles, keys, log_ ? &provisional : nullptr); m != lru_.end()) {
    alias(m, hash);
    touch(m);
    return {m->id, "near"};
  }
  if (provisional >= 0) {
    Provisional& p = batch_[size_t(provisional)];
    if (p.hashes.size() < kMaxHashesPerStory && batch_hash_.emplace(hash, size_t(provisional)).second) p.hashes.push_back(hash);
    return {p.record.id, "near"};
  }
  if (log_) {  // opened provisionally: settle() claims it
    batch_hash_.emplace(hash, batch_.size());
    for (uint64_t key : keys) batch_band_.emplace(key, batch_.size());
    batch_.push_back(Provisional{std::move(record), {hash}});
    return {hash, ""};
  }
  open(record, keys);
  return {hash, ""};
}

std::unordered_map<std::string, StoryAssignment> StoryTracker::settle() {
  std::lock_guard lock(mu_);
  reading_ = false;
  std::unordered_map<std::string, StoryAssignment> moved;
  if (batch_.empty()) return moved;
  const std::vector<Provisional> batch = std::move(batch_);
  batch_.clear();
  batch_hash_.clear();
  batch_band_.clear();
  std::vector<StoryRecord> claims, log;
  claims.reserve(batch.size());
  for (const auto& p : batch) claims.push_back(p.record);
  if (const Status s = log_->claim(claims, log); !s)
    spdlog::warn("stories: claiming {} stories in the shared log failed ({}); opening them on this instance only",
                 claims.size(), s.message());
  std::unordered_map<std::string, size_t> unsettled;  // provisional id -> index in batch
  for (size_t i = 0; i < batch.size(); ++i) unsettled.emplace(batch[i].record.id, i);
  // In log order, each claim where it stands; after a failure, the claims not read back, locally.
  auto resolve = [&](const StoryRecord& r) {
    std::string how;
    const Ref s = learn(r, &how);
    const auto own = unsettled.find(r.id);
    if (own == unsettled.end() || s == lru_.end()) return;
    const Provisional& p = batch[own->second];
    unsettled.erase(own);  // its first place in the log decides
    for (const auto& h : p.hashes) alias(s, h);
    touch(s);
    if (s->id != p.record.id) moved[p.record.id] = {s->id, how.empty() ? "near" : how};
  };
  for (const auto& r : log) resolve(r);
  for (const auto& p : batch)
    if (unsettled.count(p.record.id)) resolve(p.record);
  return moved;
}

}  // namespace yuqing::processors
