#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/backtest/backtest.h"
#include "alerts/engine.h"
#include "alerts/evidence.h"
#include "alerts/runner.h"
#include "storage/alerts/store.h"
#include "cli/command.h"
#include "core/shutdown.h"
#include "mail/outbox.h"

namespace yuqing::cli {

namespace {

using namespace yuqing::alerts;

AlertsConfig load_alerts(const Config& c, const std::string& file) { return load_alerts_config(c, file); }

// "2026-10-19", "2026-10-19 08:00" (local time, alerts.yaml's utc_offset_minutes, unless an offset is given) or ISO 8601.
Status parse_when(const std::string& text, const AlertsConfig& ac, UnixSeconds& out) {
  std::string iso = text;
  if (iso.size() == 10) iso += "T00:00";
  if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
  if (iso.size() == 16) iso += ":00";
  if (iso.size() == 19) {
    const int m = ac.utc_offset_minutes;
    char offset[24];
    std::snprintf(offset, sizeof offset, "%c%02d:%02d", m < 0 ? '-' : '+', std::abs(m) / 60, std::abs(m) % 60);
    iso += offset;
  }
  const auto t = parse_iso8601(iso);
  if (!t) return Status::invalid("'" + text + "' is not a time: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601");
  out = *t;
  return Status::ok();
}

// The continuous runner's progress: the last hour it evaluated in full, kept beside the outbox (the
// two are its durable state and go together), so that after a restart — also after a crash or
// being down across several hour boundaries — it evaluates every hour it missed, not only the
// latest. Evaluating an hour twice is harmless: alert ids and Message-IDs are deterministic.
constexpr const char* kProgressFile = "evaluated-through";

UnixSeconds read_progress(const std::filesystem::path& file) {
  std::ifstream in(file);
  long long hour = 0;
  return (in >> hour) && hour > 0 && hour % kHour == 0 ? UnixSeconds(hour) : 0;
}

void write_progress(const std::filesystem::path& file, UnixSeconds hour, const AlertsConfig& ac) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << hour << " " << format_iso8601(hour, ac.utc_offset_minutes) << "\n";
    if (!out.flush()) {
      spdlog::warn("alert: cannot write {} ({}); a restart would re-evaluate from an older hour", tmp.string(), std::strerror(errno));
      return;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) spdlog::warn("alert: cannot write {} ({})", file.string(), ec.message());
}

void print_alert(const Alert& a, const AlertsConfig& ac) {
  std::cout << a.id << "  [" << chinese_label(a.severity) << "] " << a.title << "\n"
            << "  状态 " << chinese_label(a.status);
  if (!a.acknowledged_by.empty()) std::cout << "，" << a.acknowledged_by << " 于 " << format_iso8601(*a.acknowledged_at, ac.utc_offset_minutes) << " 确认";
  if (!a.closed_by.empty()) std::cout << "，" << a.closed_by << " 于 " << format_iso8601(*a.closed_at, ac.utc_offset_minutes) << " 关闭（" << a.close_reason << "）";
  std::cout << "\n  检测器 " << a.detector << "，触发于 " << format_iso8601(a.fired_at, ac.utc_offset_minutes) << "\n";
  std::cout << "  责任单位 ";
  for (const auto& d : a.departments) std::cout << d << " ";
  std::cout << "\n  " << a.summary << "\n  规则：" << a.rule << "\n";
  if (!a.terms.empty()) {
    std::cout << "  关键词：";
    for (const auto& t : a.terms) std::cout << t << " ";
    std::cout << "\n";
  }
  if (!a.first_publisher.empty()) std::cout << "  首发：" << a.first_publisher << "\n";
  for (const auto& s : a.samples) std::cout << "  - " << s.title << "（" << s.site << "）" << s.url << "\n";
  std::cout << "  文档 " << a.document_ids.size() << " 篇\n";
}

}  // namespace

void add_alert_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "alert",
      "Rising concerns, detected and explained, routed to the responsible departments and e-mailed\n"
      "(detectors and routing in configs/alerts.yaml; docs/ALERTS.md explains every rule).\n\n"
      "  yuqing alert backtest --scenario configs/scenarios/default.yaml   score the detectors on a scenario\n"
      "  yuqing alert run                       evaluate the stored data every interval_minutes (watch terms at once)\n"
      "  yuqing alert run --from 2026-10-05 --to 2026-11-16   replay a period hour by hour\n"
      "  yuqing alert list --status open        the alert history; show / ack / close one");
  cmd->require_subcommand(1);
  auto alerts_file = std::make_shared<std::string>();
  cmd->add_option("--alerts", *alerts_file, "alert settings (YAML); default: alerts.yaml in processor.rules_dir (configs/)");

  // backtest
  {
    auto* bt = cmd->add_subcommand(
        "backtest",
        "Generate a scenario's documents with the sandbox generator, tag them with the analyzer and run\n"
        "every detector hour by hour with the same routing and de-duplication as `alert run` — no crawl,\n"
        "Kafka or ClickHouse. Scores the alerts against the scenario's truth: precision, recall of the\n"
        "concern events, lead times.");
    auto scenario = std::make_shared<std::string>();
    bt->add_option("--scenario", *scenario, "scenario YAML; default: sandbox.scenario from the config");
    auto format = std::make_shared<std::string>("table");
    bt->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    bt->callback([&ctx, alerts_file, scenario, format] {
      const Config& c = ctx.start("alert");
      const AlertsConfig ac = load_alerts(c, *alerts_file);
      const auto r = run_backtest(c, ac, scenario->empty() ? c.resolve(c.sandbox.scenario) : std::filesystem::path(*scenario));
      if (*format == "json") {
        std::cout << to_json(r).dump(2) << std::endl;
        return;
      }
      std::cout << "scenario " << r.scenario << ": " << r.documents << " documents, " << r.alerts.size() << " alerts, precision "
                << format_number(r.precision, 3) << ", recall " << format_number(r.recall, 3) << " (" << format_number(r.seconds, 1)
                << " s)\n\n";
      for (const auto& s : r.alerts)
        std::cout << (s.correct ? "  ✓ " : "  ✗ ") << format_iso8601(s.alert.fired_at, ac.utc_offset_minutes).substr(0, 16) << " ["
                  << chinese_label(s.alert.severity) << "] " << s.alert.detector << "  " << s.alert.title << "  → "
                  << (s.alert.departments.empty() ? "" : s.alert.departments.front()) << "  (" << s.why << ")\n";
      std::cout << "\nevents:\n";
      for (const auto& e : r.events) {
        std::cout << "  " << e.id << (e.concern ? " (concern)" : " (not a concern)") << ": " << e.documents << " documents, ";
        if (e.first_alert)
          std::cout << e.alerts << " alert(s), first " << format_iso8601(*e.first_alert, ac.utc_offset_minutes).substr(0, 16)
                    << ", lead " << format_number(e.lead_hours, 0) << " h" << (e.matched ? ", routed to a responsible unit" : "");
        else if (e.alerts > 0)
          std::cout << e.alerts << " alert(s), none routed to a responsible unit";
        else
          std::cout << "no alert";
        std::cout << "\n";
      }
      for (const auto& a : r.closed) std::cout << "closed: " << a.title << " — " << a.close_reason << "\n";
    });
  }

  // run
  {
    auto* run = cmd->add_subcommand(
        "run",
        "Evaluate the detectors over the stored documents every interval_minutes until stopped, and the\n"
        "hour in progress every immediate_interval_seconds for the immediate ones (watch terms, fast\n"
        "stories), so that their alerts and 重大 mails leave seconds after the document is stored; raised\n"
        "alerts go to the alerts table and their mails to the outbox (`yuqing mail flush` delivers).\n"
        "With --from/--to, replay that period hour by hour as if each hour were now (only documents\n"
        "published before it are visible) and exit. Alert ids are deterministic: replaying the same\n"
        "period again adds no alert and no mail.");
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto no_mail = std::make_shared<bool>(false);
    auto once = std::make_shared<bool>(false);
    run->add_option("--from", *from, "replay start: YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (local time) or ISO 8601");
    run->add_option("--to", *to, "replay end (exclusive), same forms");
    run->add_flag("--no-mail", *no_mail, "store alerts, put nothing in the outbox");
    run->add_flag("--once", *once, "evaluate the last complete hour and the hour in progress (immediate detectors) once and exit");
    run->callback([&ctx, alerts_file, from, to, no_mail, once] {
      const Config& c = ctx.start("alert");
      const AlertsConfig ac = load_alerts(c, *alerts_file);
      if (from->empty() != to->empty()) {
        ctx.exit_code = report(Status::invalid("--from and --to go together"), "alert run");
        return;
      }
      if (!from->empty()) {
        UnixSeconds f = 0, t = 0;
        Status s = parse_when(*from, ac, f);
        if (s) s = parse_when(*to, ac, t);
        if (s && t <= f) s = Status::invalid("--to must be after --from");
        RunStats stats;
        if (s) s = run_hours(c, ac, replay_hours(f, t), !*no_mail, stats);
        if (s) spdlog::info("alert: replay done, {} new alert(s), {} closed, {} new mail(s)", stats.raised, stats.closed, stats.mails);
        ctx.exit_code = report(s, "alert run");
        return;
      }
      // Complete hours every interval_minutes — with immediate evaluation on, each as soon as it has
      // ended and kSettleMs passed (documents of its last seconds are still on their way through
      // crawl, process and sink); the hour in progress every immediate_interval_seconds for the
      // immediate detectors, once the hours before it are evaluated (they continue their episodes).
      constexpr int64_t kSettleMs = 30000;
      constexpr UnixSeconds kLongestCatchUp = 7 * kDay;  // older missed hours are left to a replay (--from/--to)
      const bool immediate = ac.immediate_interval_seconds > 0;
      const std::filesystem::path progress = c.resolve(c.mail.outbox_dir) / kProgressFile;
      UnixSeconds last = read_progress(progress);
      if (const UnixSeconds hour = mail::now_millis() / 1000 / kHour * kHour; last && last < hour) {
        if (hour - last > kLongestCatchUp) {
          spdlog::warn("alert: last evaluated {}; catching up the last 7 days only (replay older hours with --from/--to)",
                       format_iso8601(last, ac.utc_offset_minutes));
          last = hour - kLongestCatchUp;
        }
        spdlog::info("alert: resuming after {}: {} missed hour(s) to evaluate", format_iso8601(last, ac.utc_offset_minutes),
                     (hour - last) / kHour);
      }
      int64_t next_full_ms = 0, next_immediate_ms = 0;
      while (!shutdown_requested()) {
        const int64_t now_ms = mail::now_millis();
        const UnixSeconds hour = now_ms / 1000 / kHour * kHour;
        if (hour > last && now_ms >= next_full_ms && (!immediate || *once || now_ms >= hour * 1000 + kSettleMs)) {
          std::vector<UnixSeconds> hours;
          for (UnixSeconds h = last ? last + kHour : hour; h <= hour; h += kHour) hours.push_back(h);
          RunStats stats;
          Status s = run_hours(c, ac, hours, !*no_mail, stats);
          if (!s && s.kind() != Status::Kind::retry_later) {
            ctx.exit_code = report(s, "alert run");
            return;
          }
          if (s) {
            last = hour;
            write_progress(progress, last, ac);
          } else {
            spdlog::warn("alert: {} — trying again next interval", s.to_string());
          }
          next_full_ms = s && immediate ? 0 : now_ms + (immediate ? kSettleMs : int64_t(ac.interval_minutes) * 60000);
        }
        const bool current = last == hour;
        if (current && immediate && now_ms >= next_immediate_ms) {
          RunStats stats;
          Status s = run_immediate(c, ac, now_ms / 1000, !*no_mail, stats);
          if (!s && s.kind() != Status::Kind::retry_later) {
            ctx.exit_code = report(s, "alert run");
            return;
          }
          if (!s) spdlog::warn("alert: {} — trying again next interval", s.to_string());
          next_immediate_ms = now_ms + int64_t(ac.immediate_interval_seconds) * 1000;
        }
        if (*once) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    });
  }

  // list / show / ack / close
  {
    auto* ls = cmd->add_subcommand("list", "The alert history, newest first.");
    auto status = std::make_shared<std::string>();
    auto department = std::make_shared<std::string>();
    auto detector = std::make_shared<std::string>();
    auto limit = std::make_shared<int>(50);
    auto as_json = std::make_shared<bool>(false);
    ls->add_option("--status", *status, "open, acknowledged or closed")->check(CLI::IsMember({"open", "acknowledged", "closed"}));
    ls->add_option("--department", *department, "only alerts routed to this unit (e.g. 区住房城乡建设局)");
    ls->add_option("--detector", *detector, "volume_spike, rumour, negative_surge, watch_term, fast_story, unanswered or slow_reply");
    ls->add_option("--limit", *limit, "at most this many")->check(CLI::Range(1, 10000))->capture_default_str();
    ls->add_flag("--json", *as_json, "one JSON object per line");
    ls->callback([&ctx, alerts_file, status, department, detector, limit, as_json] {
      const Config& c = ctx.start("alert");
      const AlertsConfig ac = load_alerts(c, *alerts_file);
      clickhouse::Client client(c.clickhouse);
      AlertFilter f;
      if (!status->empty()) f.status = alert_status_from_string(*status);
      f.department = *department;
      f.detector = *detector;
      f.limit = *limit;
      std::vector<Alert> out;
      if (Status s = list_alerts(client, f, out); !s) {
        ctx.exit_code = report(s, "alert list");
        return;
      }
      for (const auto& a : out) {
        if (*as_json) {
          std::cout << nlohmann::json{{"id", a.id}, {"detector", a.detector}, {"severity", to_string(a.severity)}, {"status", to_string(a.status)},
                                      {"issue", a.issue}, {"place", a.place}, {"departments", a.departments}, {"title", a.title},
                                      {"fired_at", format_iso8601(a.fired_at, ac.utc_offset_minutes)}, {"documents", a.document_ids.size()}}
                           .dump()
                    << "\n";
        } else {
          std::cout << a.id << "  " << format_iso8601(a.fired_at, ac.utc_offset_minutes).substr(0, 16) << "  " << chinese_label(a.severity)
                    << "  " << chinese_label(a.status) << "  " << a.title << "\n";
        }
      }
      if (!*as_json) std::cout << out.size() << " alert(s)\n";
    });

    auto* show = cmd->add_subcommand("show", "One alert with its explanation and evidence.");
    auto id = std::make_shared<std::string>();
    show->add_option("id", *id, "alert id (from alert list)")->required();
    show->callback([&ctx, alerts_file, id] {
      const Config& c = ctx.start("alert");
      const AlertsConfig ac = load_alerts(c, *alerts_file);
      clickhouse::Client client(c.clickhouse);
      Alert a;
      if (Status s = get_alert(client, *id, a); !s) {
        ctx.exit_code = report(s, "alert show");
        return;
      }
      print_alert(a, ac);
    });

    for (const char* verb : {"ack", "close"}) {
      const bool closing = std::string(verb) == "close";
      auto* sub = cmd->add_subcommand(verb, closing ? "Close an alert (who and why are kept)." : "Acknowledge an alert (who and when are kept).");
      auto target = std::make_shared<std::string>();
      auto by = std::make_shared<std::string>();
      auto reason = std::make_shared<std::string>();
      sub->add_option("id", *target, "alert id")->required();
      sub->add_option("--by", *by, "who (name or unit)")->required();
      if (closing) sub->add_option("--reason", *reason, "why it is closed");
      sub->callback([&ctx, alerts_file, target, by, reason, closing] {
        const Config& c = ctx.start("alert");
        const AlertsConfig ac = load_alerts(c, *alerts_file);
        clickhouse::Client client(c.clickhouse);
        Alert updated;
        Status s = set_status(client, *target, closing ? AlertStatus::closed : AlertStatus::acknowledged, *by, now_seconds(), *reason, updated);
        if (s) print_alert(updated, ac);
        ctx.exit_code = report(s, closing ? "alert close" : "alert ack");
      });
    }
  }
}

}  // namespace yuqing::cli
