// yuqing report weekly: the weekly assessment report (舆情周报) as HTML, PDF and Markdown
// (reports/, docs/REPORTS.md).
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "alerts/config.h"
#include "cli/command.h"
#include "core/hash.h"
#include "mail/outbox.h"
#include "reports/build.h"
#include "reports/pdf.h"
#include "reports/render.h"
#include "storage/queries/queries.h"

namespace yuqing::cli {
namespace {

struct WeeklyArgs {
  std::string week;
  std::string formats = "html,pdf";
  std::string out;
  std::string timezone = "Asia/Shanghai";
  int deadline_days = 15;
  int stories = 3;
  uint64_t min_documents = 50;
  bool print_sql = false;
  bool email = false;
  std::vector<std::string> to;   // empty: the openness office of configs/alerts.yaml (routing.office)
  std::string alerts_file;       // where routing.office is read; default configs/alerts.yaml
};

std::string local_time_text(UnixSeconds t) {
  const std::string iso = format_iso8601(t);  // "YYYY-MM-DDThh:mm:ss+08:00"
  const std::string zone = local_offset_minutes() == 8 * 60 ? "北京时间" : "UTC" + (iso.back() == 'Z' ? "" : iso.substr(19));
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + "（" + zone + "）";
}

Status write_file(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
  out.close();
  if (!out) return Status::fatal("cannot write " + p.string());
  return Status::ok();
}

int run_weekly(Context& ctx, const WeeklyArgs& a) {
  reports::Options o;
  o.timezone = a.timezone;
  o.deadline_days = a.deadline_days;
  o.stories = a.stories;
  o.min_documents = a.min_documents;
  if (a.week.empty()) {
    // The last complete week in the district's local time.
    iso_week_of_day(local_day(now_seconds()) - 7, o.iso_year, o.iso_week);
  } else if (Status s = queries::parse_iso_week(a.week, o.iso_year, o.iso_week); !s) {
    return report(s, "report weekly");
  }
  bool html = false, pdf = false, md = false;
  {
    std::stringstream ss(a.formats);
    for (std::string f; std::getline(ss, f, ',');) {
      if (f == "html") html = true;
      else if (f == "pdf") pdf = true;
      else if (f == "md") md = true;
      else return report(Status::invalid("--format: '" + f + "' is not html, pdf or md"), "report weekly");
    }
  }
  if (a.email) pdf = true;  // the mail carries the PDF
  if (a.print_sql) {
    std::vector<std::string> statements;
    if (Status s = reports::report_statements(o, statements); !s) return report(s, "report weekly");
    for (const auto& sql : statements) std::cout << sql << ";\n";
    return 0;
  }
  const Config& c = ctx.start("report");
  if (Status s = reports::load_places((c.resolve(c.processor.rules_dir) / "places.yaml").string(), o.district, o.places); !s)
    return report(s, "report weekly");
  // Recipients first, so a bad mail setting fails before any work.
  std::vector<std::string> to = a.to;
  if (a.email && to.empty()) {
    const alerts::AlertsConfig ac = alerts::load_alerts_config(c, a.alerts_file);
    to = ac.routing.office;
  }
  if (a.email && to.empty())
    return report(Status::invalid("--email: no recipients (give --to, or routing.office in configs/alerts.yaml)"), "report weekly");
  clickhouse::Client client(c.clickhouse);
  reports::Report r;
  if (Status s = reports::build_report(client, o, r); !s) return report(s, "report weekly");
  r.generated_at = local_time_text(now_seconds());

  const std::filesystem::path dir = a.out.empty() ? c.resolve("var/reports") / r.week : std::filesystem::path(a.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return report(Status::fatal("cannot create " + dir.string() + ": " + ec.message()), "report weekly");
  const std::string base = "weekly-" + r.week;
  const auto html_path = dir / (base + ".html");
  // The PDF is printed from the HTML file, so it is written whenever a PDF is asked for.
  if (html || pdf) {
    if (Status s = write_file(html_path, reports::render_html(r)); !s) return report(s, "report weekly");
    spdlog::info("report {}: HTML written", r.week);
    if (html) std::cout << html_path.string() << "\n";
  }
  if (md) {
    const auto md_path = dir / (base + ".md");
    if (Status s = write_file(md_path, reports::render_markdown(r)); !s) return report(s, "report weekly");
    spdlog::info("report {}: Markdown written", r.week);
    std::cout << md_path.string() << "\n";
  }
  if (pdf) {
    reports::PdfOptions po;
    if (const char* chromium = std::getenv("YUQING_CHROMIUM"); chromium && *chromium) po.chromium = chromium;
    const auto pdf_path = dir / (base + ".pdf");
    spdlog::info("report {}: printing the PDF with {}", r.week, po.chromium);
    if (Status s = reports::print_pdf(html_path, pdf_path, po); !s) return report(s, "report weekly (PDF)");
    std::cout << pdf_path.string() << "\n";
  }
  if (a.email) {
    // The HTML as the body, the Markdown as its plain-text alternative, the PDF attached; queued in
    // the same outbox as alert mail (`yuqing mail flush` delivers it).
    mail::Email e;
    e.from = c.mail.from;
    e.to = to;
    e.subject = r.district + "政务舆情周报 " + r.week + "（" + r.start_day + " 至 " + r.end_day + "）";
    e.html = reports::render_html(r);
    e.text = reports::render_markdown(r);
    std::ifstream pdf_in(dir / (base + ".pdf"), std::ios::binary);
    std::stringstream pdf_bytes;
    pdf_bytes << pdf_in.rdbuf();
    e.attachments.push_back({"舆情周报-" + r.week + ".pdf", "application/pdf", pdf_bytes.str()});
    // Stable per week and content (the generation time left out), so re-running the same report
    // enqueues nothing new while a report over changed data goes out again.
    reports::Report same = r;
    same.generated_at.clear();
    e.message_id = "weekly-" + r.week + "." + fingerprint(reports::render_markdown(same)).substr(0, 16) + "@yuqing";
    int added = 0;
    if (Status s = mail::Outbox::from_config(c).enqueue(e, now_seconds(), &added); !s) return report(s, "report weekly --email");
    spdlog::info("report {}: {} mail(s) queued for {} recipient(s) in the outbox (`yuqing mail flush` sends them)", r.week, added,
                 to.size());
  }
  spdlog::info("report {}: done in {}", r.week, dir.string());
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("report", "Assessment reports built from the stored documents (docs/REPORTS.md).");
  cmd->require_subcommand(1);
  auto* weekly = cmd->add_subcommand(
      "weekly",
      "The weekly assessment report (舆情周报) of one ISO week: 1 总体态势, 2 热点议题 (pressure index, risk,\n"
      "departments), 3 重点事件, 4 分区域, 5 部门回应 (alerts, message board), 6 关注建议, 7 附录.\n"
      "Every figure comes from a stored query and shows the `yuqing query docs` arguments behind it.\n"
      "Writes weekly-<week>.html (one self-contained file), .pdf (headless Chromium, A4, page numbers)\n"
      "and .md into --out, and prints their paths.\n"
      "A week with fewer than --min-documents documents, or none tagged with an issue, is refused\n"
      "with exit code 2 and a message naming what is missing.\n"
      "Examples:\n"
      "  yuqing report weekly --week 2026-W43\n"
      "  yuqing report weekly --week 2026-W43 --format html,pdf,md --out /tmp/w43\n"
      "  yuqing report weekly --week 2026-W43 --email && yuqing mail flush\n"
      "  yuqing report weekly --week 2026-W43 --sql      # every statement the report runs");
  auto a = std::make_shared<WeeklyArgs>();
  weekly->add_option("--week", a->week, "ISO week, e.g. 2026-W43; default: the last complete week (local time)");
  weekly->add_option("--format", a->formats, "comma-separated: html, pdf, md")->capture_default_str();
  weekly->add_option("--out", a->out, "output directory; default: var/reports/<week>/");
  weekly->add_option("--tz", a->timezone, "time zone of the week and of every date shown")->capture_default_str();
  weekly->add_option("--deadline-days", a->deadline_days, "message replies later than this are late")->capture_default_str();
  weekly->add_option("--stories", a->stories, "leading stories in 重点事件")->capture_default_str()->check(CLI::Range(1, 10));
  weekly->add_option("--min-documents", a->min_documents, "refuse a week with fewer documents")->capture_default_str();
  weekly->add_flag("--email", a->email,
                   "queue the report in the mail outbox: HTML body, PDF attached (implies pdf); `yuqing mail flush` sends it");
  weekly->add_option("--to", a->to, "recipient address (repeatable); default: routing.office in configs/alerts.yaml");
  weekly->add_option("--alerts", a->alerts_file, "alert settings holding routing.office; default: configs/alerts.yaml");
  weekly->add_flag("--sql", a->print_sql, "print every SQL statement the report runs (story ones with a placeholder id) and exit");
  weekly->callback([&ctx, a] { ctx.exit_code = run_weekly(ctx, *a); });
}

}  // namespace yuqing::cli
