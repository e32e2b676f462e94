// Phrase banks and the writer that composes the sandbox web's Chinese text from them: titles,
// articles, policy documents, comments, citizen messages, official replies and forum posts for
// every policy issue of configs/issues.yaml, every town/street of configs/places.yaml and every
// intent. Written for this project; no text is copied from real sites.
//
// Contract: a Writer draws only from the Rng it is given, so the same seed gives the same text.
// The banks are immutable static data, safe to read from any thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace yuqing::sandbox {

// Deterministic across standard libraries: only the engine (fully specified) is used, never
// std::*_distribution (whose algorithms are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  size_t below(size_t n) { return n ? size_t(engine_() % n) : 0; }
  double unit() { return double(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  // Index drawn in proportion to `weights` (all >= 0, not all 0).
  size_t weighted(const std::vector<double>& weights);
  // Poisson-distributed count with the given mean (Knuth's method, in steps of at most 500).
  int poisson(double mean);

 private:
  std::mt19937_64 engine_;
};

struct IssueBank {
  std::string name;       // as in configs/issues.yaml
  std::string category;   // level 1 of the government-message taxonomy
  std::string subject;    // what people call the matter
  std::string dept;       // the department that answers for it
  std::vector<std::string> things;     // concrete objects of the work
  std::vector<std::string> problems;   // what goes wrong (complaints)
  std::vector<std::string> questions;  // what people ask (inquiries)
  std::vector<std::string> wishes;     // what people suggest
  std::vector<std::string> goods;      // what people praise
};

struct PlaceBank {
  std::string name;                    // as in configs/places.yaml
  std::vector<std::string> spots;      // communities, villages, streets in it
};

const std::vector<IssueBank>& issue_banks();
const std::vector<PlaceBank>& place_banks();
std::vector<std::string> issue_names();
std::vector<std::string> place_names();
const IssueBank& issue_bank(const std::string& name);
const PlaceBank& place_bank(const std::string& name);

// Text for one item. Intents: complaint | inquiry | suggestion | praise | news.
struct Text {
  std::string title;
  std::vector<std::string> paragraphs;
};

// Wording: `rng` draws what an item says (the matter, the problem, the spot — what the truth and the
// taggers see), `wording` only how it is said: {a|b|c} alternatives in the patterns and the item's
// own particulars (who, when, how many) that make two items written from one template read as two
// texts, not as near-copies. Its own stream, so that richer wording never moves the web's structure.
class Writer {
 public:
  Writer(Rng& rng, Rng& wording) : rng_(rng), wording_(wording) {}

  Text news_article(const IssueBank& issue, const PlaceBank& place, const std::string& intent);
  Text policy_document(const IssueBank& issue, int year, int number);
  Text policy_interpretation(const IssueBank& issue, const std::string& policy_title);
  Text rumour_clarification(const IssueBank& issue, const PlaceBank& place);
  Text message(const IssueBank& issue, const PlaceBank& place, const std::string& intent);
  Text reply(const IssueBank& issue, const PlaceBank& place, const std::string& intent);
  Text forum_thread(const IssueBank& issue, const PlaceBank& place, const std::string& intent, bool rumour);
  // Short user text (a comment or a forum reply); may carry emoji, [怒]-style emoticons and a few
  // traditional characters, like real comment sections.
  std::string comment(const IssueBank& issue, const PlaceBank& place, const std::string& intent, bool rumour);

  std::string user_name();
  std::string signature();
  std::string media_name();

 private:
  std::string fill(const std::string& pattern, const IssueBank& issue, const PlaceBank& place);
  // One item speaks of one community or village: {spot} is drawn once per item.
  void begin(const PlaceBank& place) { spot_ = rng_.pick(place.spots); }
  // A sentence or two of particulars of one item: a time, people and numbers of its own.
  std::string particulars(const IssueBank& issue, const std::string& where, const char* voice);
  std::string person();
  Rng& rng_;
  Rng& wording_;
  std::string spot_;
};

}  // namespace yuqing::sandbox
