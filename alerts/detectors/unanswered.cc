// Unanswered messages: citizens' messages (kind `message`) with no reply `deadline_days` after they
// were posted, grouped per issue x place x responsible unit (the issue's lead unit, or the place's
// government for 各镇〈街〉 issues, or the unit of the sector the message names); a group fires from `min_messages` overdue messages. The seed plan
// asks for 留言时间, 答复时间 and 答复单位 to be public, so overdue messages are to be chased whatever
// else is happening.
//
// Severity: 较大 from 3 x min_messages overdue messages or any overdue by twice the deadline; else 一般.
#include <map>
#include <tuple>

#include "alerts/detector.h"
#include "alerts/evidence.h"

namespace yuqing::alerts {

namespace {

class Unanswered final : public Detector {
 public:
  const char* name() const override { return "unanswered"; }
  bool enabled(const AlertsConfig& c) const override { return c.unanswered.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.unanswered;
    const FactSet& facts = ctx.facts;
    const UnixSeconds deadline = o.deadline_days * kDay;
    using Group = std::tuple<std::string, std::string, std::string>;  // issue, place, unit
    std::map<Group, std::vector<size_t>> overdue;
    for (size_t i = 0, end = facts.lower_bound(ctx.now - deadline); i < end; ++i) {
      const Fact& m = facts.facts()[i];
      if (m.kind != DocKind::message) continue;
      const Fact* reply = facts.first_reply(m.id);
      if (reply && reply->time < ctx.now) continue;
      const std::string issue = m.issues.empty() ? "" : m.issues.front();
      const std::string place = m.places.empty() ? "" : m.places.front();
      const auto units = ctx.config.units_for(issue, place, {m.title + "\n" + m.text});
      overdue[{issue, place, units.empty() ? std::string("区政府办公室") : units.front()}].push_back(i);
    }
    for (const auto& [group, messages] : overdue) {
      if (int(messages.size()) < o.min_messages) continue;
      const auto& [issue, place, unit] = group;
      const Fact& oldest = facts.facts()[messages.front()];
      const double oldest_days = double(ctx.now - oldest.time) / kDay;
      Finding f;
      f.key = "unanswered|" + issue + "|" + place + "|" + unit;
      f.concern_start = oldest.time + deadline;
      f.size = double(messages.size());
      Alert& a = f.alert;
      a.detector = name();
      a.issue = issue;
      a.place = place;
      a.departments = {unit};
      a.window_start = oldest.time;
      a.window_end = ctx.now;
      a.observed = double(messages.size());
      a.expected = 0;
      a.severity = (int(messages.size()) >= 3 * o.min_messages || oldest_days >= 2.0 * o.deadline_days) ? Severity::major
                                                                                                      : Severity::general;
      a.rule = "群众留言超过" + std::to_string(o.deadline_days) + "天未答复，按议题×地点×责任单位累计≥" +
               std::to_string(o.min_messages) + "条";
      a.title = unit + "：" + std::to_string(messages.size()) + " 条群众留言超过" + std::to_string(o.deadline_days) +
                "天未答复（" + where_what(issue, place) + "）";
      a.summary = where_what(issue, place) + " 有 " + std::to_string(messages.size()) + " 条群众留言超过" +
                  std::to_string(o.deadline_days) + "天仍无答复，最早一条已等待 " + format_number(oldest_days, 0) +
                  " 天。请责任单位 " + unit + " 尽快答复并公开答复时间。";
      add_evidence(facts, messages, a);
      a.series = daily_series(facts, messages, ctx.now - 14 * kDay - deadline, ctx.now - deadline, 0,
                              ctx.config.utc_offset_minutes);
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

const Detector& unanswered_detector() {
  static const Unanswered d;
  return d;
}

}  // namespace yuqing::alerts
