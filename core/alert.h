// Alert: what a detector raises, what routing sends to the responsible departments, what the
// `alerts` table stores (migrations 004 + 006) and what the dashboard and the weekly report read.
//
// Contract
// - An alert explains itself: the series it fired on, observed vs expected with the test's p-value
//   (or z), the terms that drove it, its top sources, the story's first publisher, 3-5 sample
//   documents with links, and `document_ids` — every document behind it.
// - `id` is deterministic (detector, key, the window the concern started in): replaying the same
//   period raises the same ids, so storage and the outbox add nothing the second time.
// - State changes (acknowledged, closed) write a new version of the same id; the newest version
//   wins (ReplacingMergeTree(version)), so history is kept in who/when fields, never lost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace yuqing::alerts {

// 一般 / 较大 / 重大 (docs/ALERTS.md states the rules).
enum class Severity { general, major, critical };
const char* to_string(Severity s);          // "general" | "major" | "critical"
const char* chinese_label(Severity s);      // 一般 | 较大 | 重大
std::optional<Severity> severity_from_string(std::string_view s);

enum class AlertStatus { open, acknowledged, closed };
const char* to_string(AlertStatus s);       // "open" | "acknowledged" | "closed"
const char* chinese_label(AlertStatus s);   // 待处理 | 已确认 | 已关闭
std::optional<AlertStatus> alert_status_from_string(std::string_view s);

// A document shown as evidence in the alert (e-mail, dashboard, report).
struct SampleDocument {
  std::string id;
  std::string title;      // the title, else the opening of the text
  std::string url;
  std::string site;
  UnixSeconds published_at = 0;
  std::string sentiment;
};

// One point of the series the detector looked at (hourly or daily buckets).
struct SeriesPoint {
  UnixSeconds start = 0;
  double observed = 0;
  double expected = 0;
};

struct Alert {
  std::string id;                 // 32 hex, deterministic (see above)
  std::string key;                // the concern (Finding::key): "issue|place", "story:<id>", "unanswered|…", "slow|<unit>"
  std::string detector;           // volume_spike | rumour | negative_surge | watch_term | fast_story | unanswered | slow_reply
  std::string rule;               // the rule that fired, with its parameters, in words
  Severity severity = Severity::general;
  std::string issue;              // policy issue ("" when none)
  std::string place;              // town or street ("" = the whole district)
  std::vector<std::string> departments;  // routed-to units, lead first
  std::string title;              // one Chinese line, e.g. "运河街道 老旧小区与棚户区改造 声量异常上升"
  std::string summary;            // Chinese explanation: what, how much, against what, how sure
  UnixSeconds fired_at = 0;       // the (replayed) hour at which it fired
  UnixSeconds window_start = 0;   // the window the detector tested
  UnixSeconds window_end = 0;
  double observed = 0;
  double expected = 0;
  double p_value = 1;             // one-sided test p-value (1 when the detector has no test)
  std::vector<std::string> terms;         // driving terms (keywords, watch-list terms)
  std::vector<std::string> top_sources;   // sites, most documents first
  std::string story;              // story id when the alert is about one story
  std::string first_publisher;    // site (and title) that first carried the story
  std::vector<SeriesPoint> series;
  std::vector<SampleDocument> samples;    // 3-5, most telling first
  std::vector<std::string> document_ids;  // every document behind the alert

  AlertStatus status = AlertStatus::open;
  std::string acknowledged_by;
  std::optional<UnixSeconds> acknowledged_at;
  std::string closed_by;
  std::optional<UnixSeconds> closed_at;
  std::string close_reason;       // e.g. "官方已澄清" when an official clarification answered a rumour
  uint64_t version = 0;           // grows with every state change
};

// Deterministic id: 32 hex digits over the detector, its key (issue|place, story, unit...) and the
// start of the concern.
std::string make_alert_id(std::string_view detector, std::string_view key, UnixSeconds concern_start);

}  // namespace yuqing::alerts
