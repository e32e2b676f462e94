#include "alerts/notify.h"

#include <map>

#include "alerts/evidence.h"
#include "core/hash.h"

namespace yuqing::alerts {

namespace {

using mail::html_escape;

bool quiet(const RoutingOptions& r, int hour) {
  return r.quiet_start_hour <= r.quiet_end_hour ? (hour >= r.quiet_start_hour && hour < r.quiet_end_hour)
                                                : (hour >= r.quiet_start_hour || hour < r.quiet_end_hour);
}

std::string local_time(UnixSeconds t, const AlertsConfig& c) {
  std::string s = format_iso8601(t, c.utc_offset_minutes).substr(0, 16);  // "2026-10-19T08:00"
  s[10] = ' ';
  return s;
}

// Counts as integers, shares and rates with two decimals.
std::string figure(double x) { return x == double(int64_t(x)) ? std::to_string(int64_t(x)) : format_number(x, 2); }

std::string list(const std::vector<std::string>& v, const char* sep = "、") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string link_of(const AlertsConfig& c, const Alert& a) { return c.routing.dashboard_url + "/#/alerts/" + a.id; }

// The alert as plain text and as HTML (the body of an alert mail, a section of a digest).
void render_alert(const AlertsConfig& c, const Alert& a, std::string& text, std::string& html) {
  const std::string severity = chinese_label(a.severity);
  text += "【" + severity + "】" + a.title + "\n\n" + a.summary + "\n\n";
  text += "责任单位：" + list(a.departments) + "\n";
  text += "时间窗口：" + local_time(a.window_start, c) + " 至 " + local_time(a.window_end, c) + "（北京时间）\n";
  if (a.expected > 0 || a.p_value < 1)
    text += "观测值 " + figure(a.observed) + "，预期 " + figure(a.expected) + "，p=" + format_p(a.p_value) + "\n";
  if (!a.terms.empty()) text += "关键词：" + list(a.terms) + "\n";
  if (!a.top_sources.empty()) text += "主要来源：" + list(a.top_sources) + "\n";
  if (!a.first_publisher.empty()) text += "首发：" + a.first_publisher + "\n";
  text += "规则：" + a.rule + "\n\n代表性文档：\n";
  for (const auto& s : a.samples) text += "- " + s.title + "（" + s.site + "，" + local_time(s.published_at, c) + "）\n  " + s.url + "\n";
  text += "\n共 " + std::to_string(a.document_ids.size()) + " 篇文档。查看与处理：" + link_of(c, a) + "\n命令行：yuqing alert show " + a.id + "\n";

  html += "<h2 style=\"margin:0 0 8px\">【" + html_escape(severity) + "】" + html_escape(a.title) + "</h2>";
  html += "<p>" + html_escape(a.summary) + "</p><table style=\"border-collapse:collapse\">";
  auto row = [&](const std::string& k, const std::string& v) {
    html += "<tr><th style=\"text-align:left;padding:2px 12px 2px 0;color:#555\">" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  };
  row("责任单位", list(a.departments));
  row("时间窗口", local_time(a.window_start, c) + " 至 " + local_time(a.window_end, c) + "（北京时间）");
  if (a.expected > 0 || a.p_value < 1)
    row("观测 / 预期", figure(a.observed) + " / " + figure(a.expected) + "（p=" + format_p(a.p_value) + "）");
  if (!a.terms.empty()) row("关键词", list(a.terms));
  if (!a.top_sources.empty()) row("主要来源", list(a.top_sources));
  if (!a.first_publisher.empty()) row("首发", a.first_publisher);
  row("规则", a.rule);
  html += "</table>";
  if (!a.series.empty()) {
    html += "<p style=\"margin:8px 0 2px;color:#555\">逐日（观测 / 预期）</p><table style=\"border-collapse:collapse;font-size:12px\"><tr>";
    for (const auto& p : a.series) html += "<td style=\"padding:0 4px;color:#777\">" + html_escape(local_time(p.start, c).substr(5, 5)) + "</td>";
    html += "</tr><tr>";
    for (const auto& p : a.series)
      html += "<td style=\"padding:0 4px\">" + format_number(p.observed, 0) + (p.expected > 0 ? " / " + format_number(p.expected, 1) : "") + "</td>";
    html += "</tr></table>";
  }
  html += "<h3 style=\"margin:12px 0 4px\">代表性文档</h3><ul>";
  for (const auto& s : a.samples)
    html += "<li><a href=\"" + html_escape(s.url) + "\">" + html_escape(s.title) + "</a> <span style=\"color:#777\">" +
            html_escape(s.site + " · " + local_time(s.published_at, c)) + "</span></li>";
  html += "</ul><p>共 " + std::to_string(a.document_ids.size()) + " 篇文档。<a href=\"" + html_escape(link_of(c, a)) +
          "\">在监测平台查看与处理</a>（命令行：<code>yuqing alert show " + html_escape(a.id) + "</code>）</p>";
}

std::string wrap_html(const std::string& body) {
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>"
         "<body style=\"font-family:sans-serif;font-size:14px;line-height:1.5\">" + body +
         "<hr><p style=\"color:#888;font-size:12px\">本邮件由 yuqing 舆情监测系统自动发送。</p></body></html>";
}

}  // namespace

mail::Email alert_email(const AlertsConfig& c, const Alert& a, const std::string& recipient, const std::string& from) {
  mail::Email e;
  e.from = from;
  e.to = {recipient};
  e.subject = "[舆情预警·" + std::string(chinese_label(a.severity)) + "] " + a.title;
  std::string html;
  render_alert(c, a, e.text, html);
  e.html = wrap_html(html);
  e.message_id = fingerprint("alert\x1f" + a.id + "\x1f" + recipient) + "@yuqing";
  return e;
}

mail::Email digest_email(const AlertsConfig& c, const std::vector<const Alert*>& alerts, UnixSeconds now,
                         const std::string& recipient, const std::string& from) {
  mail::Email e;
  e.from = from;
  e.to = {recipient};
  const std::string day = local_time(now, c).substr(0, 10);
  e.subject = "[舆情日报] " + day + " 一般预警 " + std::to_string(alerts.size()) + " 条";
  std::string html = "<h1 style=\"font-size:18px\">" + html_escape(day) + " 一般预警汇总（过去24小时，" + std::to_string(alerts.size()) + " 条）</h1>";
  e.text = day + " 一般预警汇总（过去24小时，" + std::to_string(alerts.size()) + " 条）\n\n";
  for (const Alert* a : alerts) {
    render_alert(c, *a, e.text, html);
    e.text += "\n----\n\n";
    html += "<hr>";
  }
  e.html = wrap_html(html);
  e.message_id = fingerprint("digest\x1f" + std::to_string(now) + "\x1f" + recipient) + "@yuqing";
  return e;
}

std::vector<mail::Email> mails_for_hour(const AlertsConfig& c, const std::vector<Alert>& alerts, UnixSeconds now,
                                        const std::string& from) {
  const RoutingOptions& r = c.routing;
  const int hour = local_hour(now, c.utc_offset_minutes);
  std::vector<mail::Email> out;
  std::map<std::string, std::vector<const Alert*>> digest;  // recipient -> 一般 alerts
  for (const auto& a : alerts) {
    bool send = false;
    if (a.severity == Severity::critical) {
      send = a.fired_at == now;
    } else if (a.severity == Severity::major) {
      send = (a.fired_at == now && !quiet(r, hour)) ||
             (hour == r.quiet_end_hour && a.fired_at < now && a.fired_at > now - kDay &&
              quiet(r, local_hour(a.fired_at, c.utc_offset_minutes)));
    } else if (hour == r.digest_hour && a.fired_at <= now && a.fired_at > now - kDay) {
      for (const auto& to : c.recipients_for(a.departments)) digest[to].push_back(&a);
    }
    if (!send) continue;
    for (const auto& to : c.recipients_for(a.departments)) out.push_back(alert_email(c, a, to, from));
  }
  for (const auto& [to, list] : digest) out.push_back(digest_email(c, list, now, to, from));
  return out;
}

std::vector<mail::Email> mails_for_immediate(const AlertsConfig& c, const std::vector<Alert>& raised, UnixSeconds at,
                                             const std::string& from) {
  const bool quiet_now = quiet(c.routing, local_hour(at, c.utc_offset_minutes));
  std::vector<mail::Email> out;
  for (const auto& a : raised) {
    if (a.severity == Severity::critical || (a.severity == Severity::major && !quiet_now))
      for (const auto& to : c.recipients_for(a.departments)) out.push_back(alert_email(c, a, to, from));
  }
  return out;
}

}  // namespace yuqing::alerts
