// Facts: what the detectors know of each document — the same whether it comes from ClickHouse
// (`alert run`, alerts/source.h) or from the analyzer in memory (`alert backtest`), so both give the
// same alerts.
//
// Contract
// - A FactSet is built once from facts in any order; it sorts them by time and indexes threads,
//   keys (issue x place), stories and replies. It is immutable afterwards, and every query takes
//   the evaluation hour `now`: only facts with time < now are visible, so a replay hour by hour sees
//   exactly what was published before each hour.
// - Voices: each distinct author in a thread (an article with its comments, a message with its
//   reply, a forum thread) is a voice, counted when their first document about a key appears, with
//   its ordinal in the thread, so detectors can cap what one thread contributes (one article's
//   comment section is not a crowd). Government replies and official sites' articles are answers,
//   not voices.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/document.h"
#include "core/time.h"

namespace yuqing::alerts {

inline constexpr UnixSeconds kHour = 3600;
inline constexpr UnixSeconds kDay = 24 * kHour;
// Text longer than this many characters is cut for the watch list (the same cut in both sources:
// ClickHouse's substringUTF8 and utf8_prefix here).
inline constexpr size_t kFactTextChars = 1500;

struct Fact {
  std::string id;
  DocKind kind = DocKind::article;
  std::string parent_id;
  std::string site;
  std::string author;
  std::string story;           // story id, else the content hash, else the id (as the stories table)
  UnixSeconds time = 0;        // publish time, else fetch time (documents.event_time)
  std::vector<std::string> issues;
  std::vector<std::string> places;
  std::string sentiment;       // positive | neutral | negative
  std::string intent;
  std::string title;
  std::string url;
  std::string text;            // the first kFactTextChars characters
  std::vector<std::string> keywords;
  bool official = false;       // from an official site (AlertsConfig::official_sites)
};

// Makes a fact from a tagged document (the backtest's path).
Fact fact_of(const EnrichedDocument& d, const std::vector<std::string>& official_sites);
// The first `max_chars` characters of UTF-8 text.
std::string utf8_prefix(const std::string& text, size_t max_chars);

// Key of a series: an issue in a place, or an issue over all places (place "").
struct Key {
  std::string issue;
  std::string place;
  bool operator<(const Key& o) const { return issue != o.issue ? issue < o.issue : place < o.place; }
  bool operator==(const Key& o) const { return issue == o.issue && place == o.place; }
};

class FactSet {
 public:
  explicit FactSet(std::vector<Fact> facts);

  const std::vector<Fact>& facts() const { return facts_; }
  UnixSeconds first_time() const { return facts_.empty() ? 0 : facts_.front().time; }
  UnixSeconds last_time() const { return facts_.empty() ? 0 : facts_.back().time; }
  // Index of the first fact with time >= t.
  size_t lower_bound(UnixSeconds t) const;
  // The thread a fact belongs to: the top of its parent chain (itself when top-level).
  size_t root_of(size_t i) const { return root_[i]; }
  // Is this fact a public voice (not a government reply, not an official site's article)?
  bool is_voice(size_t i) const;
  const Fact* find(const std::string& id) const;
  // Earliest reply to a message (by parent_id), if any.
  const Fact* first_reply(const std::string& message_id) const;

  // Facts of a key, by time (a fact counts under every issue x place pair it carries, and under
  // each of its issues with place ""; untagged facts have no key).
  const std::map<Key, std::vector<size_t>>& by_key() const { return by_key_; }
  // Voice arrivals of a key: for each (thread, author), the index of their first fact about the
  // key, in time order; arrival_ordinals() gives each one's rank among its thread's voices (0 for
  // the thread's first).
  const std::map<Key, std::vector<size_t>>& arrivals() const { return arrivals_; }
  const std::map<Key, std::vector<int>>& arrival_ordinals() const { return ordinals_; }
  // All voice arrivals (any key or none), for the district-wide hour-of-week profile.
  const std::vector<size_t>& all_arrivals() const { return all_arrivals_; }
  // Facts of a story, by time.
  const std::unordered_map<std::string, std::vector<size_t>>& by_story() const { return by_story_; }
  // Does fact i's title or text name one of `terms` and none of `exclude`? The answers are kept
  // for the life of the set, per pair of lists: a detector asks about the same facts every
  // evaluated hour (the rumour detector, over four weeks of them).
  bool names_any(size_t i, const std::vector<std::string>& terms, const std::vector<std::string>& exclude) const;

 private:
  std::vector<Fact> facts_;
  std::vector<size_t> root_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> first_reply_;
  std::map<Key, std::vector<size_t>> by_key_;
  std::map<Key, std::vector<size_t>> arrivals_;
  std::map<Key, std::vector<int>> ordinals_;
  std::vector<size_t> all_arrivals_;
  std::unordered_map<std::string, std::vector<size_t>> by_story_;
  // names_any's answers per list pair: 0 not asked yet, 1 no, 2 yes.
  mutable std::map<std::pair<const void*, const void*>, std::vector<uint8_t>> names_any_memo_;
};

}  // namespace yuqing::alerts
