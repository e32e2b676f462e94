// FlatTable: a hash map from a nonzero 64-bit key to a small value, for the processors' hot
// look-ups (the segmenter's trie edges, the sentiment model's n-gram weights).
//
// Why not std::unordered_map: it allocates a node per entry (hundreds of thousands at start-up)
// and a look-up chases a pointer. Here key and value sit side by side in one flat array (open
// addressing, linear probing), so a probe touches one cache line. Key 0 marks an empty slot;
// callers pack their keys so that 0 never occurs. Entries are never removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace yuqing::processors {

template <typename Value>
class FlatTable {
 public:
  explicit FlatTable(size_t expected = 0) { reserve(expected); }

  // Room for `n` entries without growing (load at most 2/3).
  void reserve(size_t n) {
    size_t capacity = 16;
    while (2 * capacity < 3 * n) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }

  const Value* find(uint64_t key) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

  // Calls fn(key, value) for every key present, in order. The n-gram models' tables are far larger
  // than the cache, so each look-up is a miss; asking for the slot a few keys ahead lets those
  // misses overlap instead of queueing one after the other.
  template <typename Fn>
  void find_each(const std::vector<uint64_t>& keys, Fn&& fn) const {
    constexpr size_t kAhead = 8;
    const size_t mask = slots_.size() - 1;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i + kAhead < keys.size()) __builtin_prefetch(&slots_[slot_of(keys[i + kAhead], mask)]);
      if (const Value* v = find(keys[i])) fn(keys[i], *v);
    }
  }

  // The value stored under `key`, inserted as Value{} when absent. The reference is valid until
  // the next insertion.
  Value& operator[](uint64_t key) {
    if (2 * slots_.size() < 3 * (size_ + 1)) rehash(slots_.size() * 2);
    const size_t mask = slots_.size() - 1;
    size_t i = slot_of(key, mask);
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
    if (slots_[i].key == 0) {
      slots_[i].key = key;
      ++size_;
    }
    return slots_[i].value;
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key = 0;
    Value value{};
  };

  // Fibonacci hashing: packed keys keep their variety in the low bits, so multiply to spread them.
  static size_t slot_of(uint64_t key, size_t mask) { return size_t((key * 0x9E3779B97F4A7C15ull) >> 20) & mask; }

  void rehash(size_t capacity) {  // capacity: a power of two
    std::vector<Slot> grown(capacity);
    for (const Slot& s : slots_) {
      if (s.key == 0) continue;
      size_t i = slot_of(s.key, capacity - 1);
      while (grown[i].key != 0) i = (i + 1) & (capacity - 1);
      grown[i] = s;
    }
    slots_.swap(grown);
  }

  std::vector<Slot> slots_ = std::vector<Slot>(16);
  size_t size_ = 0;
};

}  // namespace yuqing::processors
