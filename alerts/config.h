// AlertsConfig: every setting of the detectors, routing and notification, read strictly from
// configs/alerts.yaml (each key documented there with its default; a typo or an out-of-range value
// is a ConfigError naming the file and YAML path), plus the responsible units of each policy issue
// from configs/issues.yaml (the seed plan's 牵头单位 first, then its 责任单位).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/time.h"

namespace yuqing::alerts {

struct VolumeSpikeOptions {
  bool enabled = true;
  int window_hours = 24;          // the window tested against its seasonal expectation
  int baseline_days = 28;         // history the expectation is estimated from
  int cold_start_days = 7;        // no spike alerts until the data covers this many days
  double min_voices = 8;          // distinct authors taking part in the window (engagement)
  int min_threads = 3;            // threads new to the key in the window (one thread is never a spike)
  int min_sites = 1;              // distinct sites they come from
  double min_ratio = 3;           // new threads / expected threads
  // Chance alerts a month the detector may raise over all keys together: the one-sided
  // negative-binomial test's threshold is this budget / (keys tested x windows a month).
  double false_alarms_per_month = 0.15;
  double dispersion = 10;         // negative-binomial size k (variance mu + mu^2/k); large = Poisson
  double prior_threads = 0.5;     // pseudo-threads in every key's baseline (keys never seen before)
  // An issue in a place has few baseline threads, so its own count is a noisy rate: it is shrunk
  // toward what its issue's and its place's totals predict (issue x place / all), this many
  // baselines' worth (a gamma prior; 0 = the key's own history alone).
  double margin_weight = 1.0;
  int voices_per_thread = 10;     // distinct authors one thread counts as at most
  double max_positive_share = 0.5;  // a rise of mostly positive documents (praise) is not a concern
  bool per_issue = true;          // also test each issue over all places

  // The per-test significance when `keys` series are tested, each once per window.
  double p_threshold(size_t keys) const {
    const double windows_a_month = 30.0 * 24 / window_hours;
    return false_alarms_per_month / (double(keys > 0 ? keys : 1) * windows_a_month);
  }
};

struct RumourOptions {
  bool enabled = true;
  int window_hours = 24;
  int baseline_days = 28;
  int cold_start_days = 7;
  int min_threads = 3;            // rumour threads in the window, from at least as many distinct authors
  double min_ratio = 3;           // rumour threads / expected
  double p_value = 1e-4;          // one-sided negative-binomial tail
  double dispersion = 10;         // negative-binomial size k
  double prior_threads = 0.5;     // pseudo rumour threads in every key's baseline
  bool per_issue = true;          // also test each issue over all places
  std::vector<std::string> cues = {"网传", "听说", "据说", "传言", "传闻", "有人说", "在传", "是真的吗", "真的假的"};  // hearsay
  std::vector<std::string> exclude = {"辟谣", "不实", "澄清", "情况说明", "谣言"};  // a voice that debunks: not counted
};

struct NegativeSurgeOptions {
  bool enabled = true;
  int window_hours = 72;
  int baseline_days = 28;
  int cold_start_days = 7;
  double min_documents = 15;      // (capped) documents needed in the window
  int per_thread_cap = 3;         // documents one thread may contribute (one article's comments are one voice)
  double min_rise = 0.2;          // window share - baseline share
  double p_value = 1e-4;          // one-sided binomial tail
  double prior_documents = 20;    // the baseline share is shrunk towards the overall share with this weight
};

struct WatchTermsOptions {
  bool enabled = true;
  std::map<std::string, std::string> terms;   // term -> severity (general | major | critical)
  std::vector<std::string> exclude;           // phrases that cancel a term they contain (死亡率)
};

struct FastStoryOptions {
  bool enabled = true;
  int window_hours = 24;
  int min_sites = 3;              // distinct sites carrying the story within the window
  int min_documents = 4;          // top-level documents (articles, posts, messages) of the story in the window
  std::vector<std::string> clarification_terms;  // an official article with one of these closes rumour alerts
};

struct UnansweredOptions {
  bool enabled = true;
  int deadline_days = 15;         // a message without a reply after this long is overdue
  int min_messages = 3;           // overdue messages in one issue x place x unit group
};

struct SlowReplyOptions {
  bool enabled = true;
  int deadline_days = 15;
  int window_days = 7;
  int min_replies = 3;            // late replies of one unit within the window
};

struct RoutingOptions {
  double regrow_factor = 2;       // same issue x place (or story, unit) alerts again only when it grows this much
  int episode_gap_hours = 72;     // quiet this long, a concern's episode ends
  int quiet_start_hour = 22;      // local hours [start, end): only 重大 mails go out, the rest wait
  int quiet_end_hour = 7;
  int digest_hour = 9;            // 一般 alerts of the last 24 h go out in one digest per recipient
  std::vector<std::string> office;                          // the openness office: every alert
  std::map<std::string, std::vector<std::string>> recipients;  // unit -> addresses
  std::string dashboard_url = "http://127.0.0.1:18090";     // links in mails
};

struct IssueUnits {
  std::vector<std::string> units;  // lead first; "各镇〈街〉" stands for the place
  // issues.yaml `sectors`, for an issue many units share by trade (公共企事业单位: water, heating,
  // buses…): unit -> the terms of its sector, in file order.
  std::vector<std::pair<std::string, std::vector<std::string>>> sectors;
};

struct AlertsConfig {
  std::filesystem::path file;
  int interval_minutes = 60;
  // `alert run`: the immediate detectors (watch terms, fast stories) also evaluate the hour in
  // progress this often; 0 = only complete hours.
  int immediate_interval_seconds = 10;
  int lookback_days = 35;
  // Local time for quiet hours, digests and day boundaries: pipeline.yaml's time.utc_offset_minutes
  // (core/time.h) unless alerts.yaml sets its own.
  int utc_offset_minutes = local_offset_minutes();
  std::vector<std::string> official_sites;  // government sites: their articles are answers, not voices
  VolumeSpikeOptions volume_spike;
  RumourOptions rumour;
  NegativeSurgeOptions negative_surge;
  WatchTermsOptions watch_terms;
  FastStoryOptions fast_story;
  UnansweredOptions unanswered;
  SlowReplyOptions slow_reply;
  RoutingOptions routing;
  std::map<std::string, IssueUnits> issues;  // from issues.yaml

  // The units responsible for an issue in a place: lead first, "各镇〈街〉" replaced by the place
  // (dropped when there is none), catch-alls such as "区直有关部门单位" dropped (nobody reads their mail).
  std::vector<std::string> units_for(const std::string& issue, const std::string& place) const;
  // The same for an alert about these documents (title + text each): for an issue with `sectors`,
  // the sector units whose terms the most documents name — each unit named by at least half as many
  // documents as the top one, in `sectors` order; every unit when no document names a sector.
  std::vector<std::string> units_for(const std::string& issue, const std::string& place,
                                     const std::vector<std::string>& documents) const;
  // Addresses for a set of units plus the office, each once, in a stable order.
  std::vector<std::string> recipients_for(const std::vector<std::string>& units) const;
};

// alerts.yaml in the rules folder (processor.rules_dir, configs/ by default), beside issues.yaml.
std::filesystem::path default_alerts_file(const Config& config);
// load_alerts_config(file, or the default when empty; issues.yaml of the rules folder).
AlertsConfig load_alerts_config(const Config& config, const std::string& file = {});

// Throws ConfigError naming the file and YAML path of the first bad value.
AlertsConfig load_alerts_config(const std::filesystem::path& alerts_yaml, const std::filesystem::path& issues_yaml);

}  // namespace yuqing::alerts
