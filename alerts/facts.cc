#include "alerts/facts.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>

namespace yuqing::alerts {

std::string utf8_prefix(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) return text.substr(0, i);
  }
  return text;
}

Fact fact_of(const EnrichedDocument& e, const std::vector<std::string>& official_sites) {
  const Document& d = e.doc;
  const Tags& t = e.tags;
  Fact f;
  f.id = d.id;
  f.kind = d.kind;
  f.parent_id = d.parent_id;
  f.site = d.site;
  f.author = d.author;
  f.story = !t.story_id.empty() ? t.story_id : !t.content_hash.empty() ? t.content_hash : d.id;
  f.time = d.published_at.value_or(d.fetched_at);
  for (const auto& i : t.issues) f.issues.push_back(i.name);
  f.places = t.places;
  f.sentiment = t.sentiment_label;
  f.intent = t.intent;
  f.title = d.title;
  f.url = d.url;
  f.text = utf8_prefix(d.text, kFactTextChars);
  f.keywords = t.keywords;
  f.official = std::find(official_sites.begin(), official_sites.end(), d.site) != official_sites.end();
  return f;
}

FactSet::FactSet(std::vector<Fact> facts) : facts_(std::move(facts)) {
  // Ties broken by id so that both sources give the same order.
  std::sort(facts_.begin(), facts_.end(),
            [](const Fact& a, const Fact& b) { return a.time != b.time ? a.time < b.time : a.id < b.id; });
  for (size_t i = 0; i < facts_.size(); ++i) index_.emplace(facts_[i].id, i);

  root_.resize(facts_.size());
  for (size_t i = 0; i < facts_.size(); ++i) {
    size_t r = i;
    for (int hops = 0; hops < 8 && !facts_[r].parent_id.empty(); ++hops) {
      auto it = index_.find(facts_[r].parent_id);
      if (it == index_.end()) break;
      r = it->second;
    }
    root_[i] = r;
    if (facts_[i].kind == DocKind::reply && !facts_[i].parent_id.empty()) first_reply_.emplace(facts_[i].parent_id, i);
    by_story_[facts_[i].story].push_back(i);
  }

  std::set<std::tuple<Key, size_t, std::string>> seen_voice;  // (key, thread, author) already arrived
  std::map<std::pair<Key, size_t>, int> thread_voices;         // (key, thread) -> voices so far
  std::set<size_t> seen_root;
  for (size_t i = 0; i < facts_.size(); ++i) {
    const Fact& f = facts_[i];
    std::vector<Key> keys;
    for (const auto& issue : f.issues) {
      keys.push_back({issue, ""});
      for (const auto& place : f.places) keys.push_back({issue, place});
    }
    const bool voice = is_voice(i);
    if (voice && seen_root.insert(root_[i]).second) all_arrivals_.push_back(i);
    for (const auto& k : keys) {
      by_key_[k].push_back(i);
      if (voice && seen_voice.insert({k, root_[i], f.author}).second) {
        arrivals_[k].push_back(i);
        ordinals_[k].push_back(thread_voices[{k, root_[i]}]++);
      }
    }
  }
}

size_t FactSet::lower_bound(UnixSeconds t) const {
  return size_t(std::partition_point(facts_.begin(), facts_.end(), [t](const Fact& f) { return f.time < t; }) -
                facts_.begin());
}

bool FactSet::is_voice(size_t i) const {
  const Fact& f = facts_[i];
  return f.kind != DocKind::reply && !(f.official && f.kind == DocKind::article);
}

bool FactSet::names_any(size_t i, const std::vector<std::string>& terms, const std::vector<std::string>& exclude) const {
  // Keyed by the lists' addresses: they live in the AlertsConfig, which outlives the evaluation.
  auto& memo = names_any_memo_[{&terms, &exclude}];
  if (memo.empty()) memo.assign(facts_.size(), 0);
  if (memo[i] == 0) {
    const Fact& f = facts_[i];
    auto named = [&](const std::vector<std::string>& list) {
      return std::any_of(list.begin(), list.end(), [&](const std::string& t) {
        return f.title.find(t) != std::string::npos || f.text.find(t) != std::string::npos;
      });
    };
    memo[i] = named(terms) && !named(exclude) ? 2 : 1;
  }
  return memo[i] == 2;
}

const Fact* FactSet::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &facts_[it->second];
}

const Fact* FactSet::first_reply(const std::string& message_id) const {
  auto it = first_reply_.find(message_id);
  return it == first_reply_.end() ? nullptr : &facts_[it->second];
}

}  // namespace yuqing::alerts
