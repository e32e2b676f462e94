// Scenario: what the sandbox web publishes, when, and which events it injects — read from a YAML
// file under configs/scenarios/ (docs/SANDBOX.md, "Writing a scenario", explains every key).
//
// Contract: load_scenario() validates everything once (unknown keys, unknown sites, issues and
// places, bad ranges are ConfigErrors naming the YAML path); a loaded Scenario is a plain value
// that generation reads and never changes.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "core/time.h"

namespace yuqing::sandbox {

// The five sites, in port order (site k listens on base port + k).
inline constexpr std::array<const char*, 5> kSiteNames = {"district-portal", "local-news", "news-portal",
                                                         "message-board", "forum"};
enum class SiteId { portal = 0, news = 1, api = 2, board = 3, forum = 4 };

// A value that moves linearly from `from` (first day of an event) to `to` (its last day).
struct Ramp {
  double from = 0;
  double to = 0;
  double at(int day, int days) const { return days <= 1 ? from : from + (to - from) * day / (days - 1); }
};

struct SiteVolume {
  double per_day = 0;        // top-level documents on a weekday (before rhythm and noise)
  double children_mean = 0;  // comments per article / replies per thread; replies-to-messages share on the board
  double reposts = 0;        // share of top-level documents that repost another site's article
};

struct ScenarioEvent {
  std::string id;
  std::string kind = "surge";      // surge | rumour
  std::string issue;
  std::string place;
  int start_day = 0;               // day 0 = the timeline's first day
  int days = 1;
  std::vector<int> sites;          // SiteId values
  Ramp per_day;                    // extra top-level documents per site and day
  Ramp negative;                   // share of complaint (negative) items among the event's items
  std::string intent = "complaint";  // intent of the event's other items
  double children_factor = 1;      // comments/replies on event documents, relative to the site's mean
  double reposts = 0;              // share of event articles reposted as forum threads the next day
  double answered = -1;            // message-board answer share for event messages; < 0: the site's default
  int official_reply_day = -1;     // rumour: day of the district portal's clarification (辟谣)
  std::vector<std::string> terms;  // incident words (塌陷, 火灾 …) the event's top-level titles name, in turn
};

struct Scenario {
  std::string name;
  UnixSeconds start = 0;           // Monday 00:00 local time (core/time.h)
  int weeks = 6;
  std::array<double, 7> weekday{}; // Monday..Sunday volume factors
  std::array<double, 24> hours{};  // relative weights of the hour of day
  double crawl_delay = 0.1;        // seconds, written to every robots.txt
  int slow_ms = 1500;
  int huge_kb = 4096;
  double answered = 0.8;           // message-board: share of messages that get a 答复
  double late = 0.1;               // share of the answered ones answered after more than 15 days
  std::array<SiteVolume, 5> sites{};
  std::vector<std::pair<std::string, double>> issues;   // baseline weights, every issue of configs/issues.yaml
  std::vector<std::pair<std::string, double>> places;   // baseline weights, every town/street
  std::vector<std::pair<std::string, double>> intents;  // baseline weights of user-generated items
  std::vector<ScenarioEvent> events;

  UnixSeconds end() const { return start + UnixSeconds(weeks) * 7 * 86400; }
};

// Throws ConfigError naming the file and YAML path of the first bad value.
Scenario load_scenario(const std::filesystem::path& file);

int site_index(const std::string& name);  // -1 when unknown

}  // namespace yuqing::sandbox
