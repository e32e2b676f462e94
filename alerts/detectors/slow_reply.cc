// Slow replies: government replies (kind `reply`, author = 答复单位) that came more than
// `deadline_days` after the message, counted per replying unit over the last `window_days`; a unit
// fires from `min_replies` late replies. The figures the seed plan asks to publish (留言时间 vs
// 答复时间), turned into a nudge for the unit.
//
// Severity: 一般 (a late answer is an answer; the unanswered detector covers silence).
#include <map>

#include "alerts/detector.h"
#include "alerts/evidence.h"

namespace yuqing::alerts {

namespace {

class SlowReply final : public Detector {
 public:
  const char* name() const override { return "slow_reply"; }
  bool enabled(const AlertsConfig& c) const override { return c.slow_reply.enabled; }

  void detect(const DetectorContext& ctx, std::vector<Finding>& out) const override {
    const auto& o = ctx.config.slow_reply;
    const FactSet& facts = ctx.facts;
    const UnixSeconds deadline = o.deadline_days * kDay;
    std::map<std::string, std::vector<size_t>> late;  // unit -> late replies in the window
    std::map<std::string, double> days;                // unit -> summed reply days
    for (size_t i = facts.lower_bound(ctx.now - o.window_days * kDay), end = facts.lower_bound(ctx.now); i < end; ++i) {
      const Fact& r = facts.facts()[i];
      if (r.kind != DocKind::reply) continue;
      const Fact* m = facts.find(r.parent_id);
      if (!m || r.time - m->time <= deadline) continue;
      const std::string unit = r.author.empty() ? "未署名答复单位" : r.author;
      late[unit].push_back(i);
      days[unit] += double(r.time - m->time) / kDay;
    }
    for (const auto& [unit, replies] : late) {
      if (int(replies.size()) < o.min_replies) continue;
      const double mean_days = days[unit] / double(replies.size());
      Finding f;
      f.key = "slow|" + unit;
      f.concern_start = facts.facts()[replies.front()].time;
      f.size = double(replies.size());
      Alert& a = f.alert;
      a.detector = name();
      a.departments = {unit};
      a.window_start = ctx.now - o.window_days * kDay;
      a.window_end = ctx.now;
      a.observed = double(replies.size());
      a.expected = 0;
      a.severity = Severity::general;
      a.rule = "近" + std::to_string(o.window_days) + "天超过" + std::to_string(o.deadline_days) + "天才答复的留言≥" +
               std::to_string(o.min_replies) + "条（按答复单位）";
      a.title = unit + "：近" + std::to_string(o.window_days) + "天 " + std::to_string(replies.size()) + " 条答复超期";
      a.summary = unit + " 近" + std::to_string(o.window_days) + "天有 " + std::to_string(replies.size()) + " 条留言在" +
                  std::to_string(o.deadline_days) + "天后才答复，平均用时 " + format_number(mean_days, 1) + " 天。";
      std::vector<size_t> evidence;  // the messages and their late replies
      for (size_t i : replies) {
        evidence.push_back(i);
        if (const Fact* m = facts.find(facts.facts()[i].parent_id)) evidence.push_back(size_t(m - facts.facts().data()));
      }
      add_evidence(facts, evidence, a);
      out.push_back(std::move(f));
    }
  }
};

}  // namespace

const Detector& slow_reply_detector() {
  static const SlowReply d;
  return d;
}

}  // namespace yuqing::alerts
