#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "alerts/engine.h"
#include "alerts/runner.h"
#include "storage/alerts/store.h"
#include "cli/command.h"
#include "crawlers/crawler.h"
#include "processors/processor.h"
#include "sandbox/server.h"
#include "storage/clickhouse/migrations.h"
#include "storage/sink.h"
#include "stream/kafka.h"
#include "storage/queries/queries.h"

namespace yuqing::cli {

std::string describe(const crawlers::CrawlStats& s);  // crawl.cc

namespace {

void step(int n, int total, const std::string& what) { std::cout << "[" << n << "/" << total << "] " << what << std::endl; }

// This binary again, with the same config file, for the steps that are whole subcommands.
Status run_self(const Config& c, const std::string& args) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);  // resolved here: in the shell it would be the shell
  if (ec) return Status::fatal("cannot find this binary: " + ec.message());
  const std::string cmd = "'" + self.string() + "' -c '" + c.file.string() + "' " + args;
  if (std::system(cmd.c_str()) != 0) return Status::fatal("`yuqing " + args + "` failed (see its log above)");
  return Status::ok();
}

// The ISO week with the most documents on the scenario's timeline (local time): its peak.
std::string peak_week(const sandbox::SandboxWeb& web) {
  std::map<std::pair<int, int>, int> per_week;
  for (const auto& d : web.documents()) {
    int year = 0, week = 0;
    iso_week_of_day(local_day(d.published_at), year, week);
    ++per_week[{year, week}];
  }
  std::pair<int, int> best{};
  int most = -1;
  for (const auto& [w, n] : per_week)
    if (n > most) best = w, most = n;
  char text[32];
  std::snprintf(text, sizeof text, "%04d-W%02d", best.first, best.second);
  return text;
}

// Messages in a Maildir per envelope recipient (the sink's X-RcptTo header).
std::map<std::string, int> mails_per_recipient(const std::filesystem::path& maildir) {
  std::map<std::string, int> out;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(maildir / sub, ec)) {
      std::ifstream in(f.path());
      for (std::string line; std::getline(in, line) && line != "\r" && !line.empty();) {
        if (line.rfind("X-RcptTo:", 0) == 0) {
          std::string to = line.substr(9);
          while (!to.empty() && (to.front() == ' ' || to.front() == '<')) to.erase(0, 1);
          while (!to.empty() && (to.back() == '\r' || to.back() == '>' || to.back() == ' ')) to.pop_back();
          ++out[to];
        }
      }
    }
  }
  return out;
}

Status run_demo(const Config& c, bool start_services) {
  constexpr int kSteps = 10;
  if (start_services) {
    step(1, kSteps, "starting Kafka, ClickHouse and the mail sink (scripts/services.sh start)");
    const std::string cmd = "bash '" + (c.home / "scripts" / "services.sh").string() + "' start";
    if (std::system(cmd.c_str()) != 0) return Status::fatal("scripts/services.sh start failed (see its output above)");
  } else {
    step(1, kSteps, "using the Kafka and ClickHouse named by the config (--no-services)");
  }

  step(2, kSteps, "migrating the ClickHouse schema and creating Kafka topics");
  std::vector<std::string> applied;
  if (Status s = clickhouse::migrate(c.clickhouse, clickhouse::embedded_migrations(), applied); !s) return s;
  if (Status s = kafka::ensure_topics(c.kafka); !s) return s;

  step(3, kSteps, "generating the sandbox web and serving it on " + c.sandbox.host + ":" + std::to_string(c.sandbox.port));
  const auto web = sandbox::SandboxWeb::generate(sandbox::load_scenario(c.resolve(c.sandbox.scenario)), c.sandbox.seed);
  sandbox::SandboxServer server(web);
  if (Status s = server.start(c.sandbox.host, c.sandbox.port); !s) return s;

  step(4, kSteps, "crawling " + std::to_string(web.documents().size()) + " sandbox documents into Kafka");
  Status s;
  auto producer = kafka::Producer::create(c.kafka, "yuqing-crawler", s);
  if (!s) return s;
  crawlers::CrawlStats crawl;
  if (s = crawlers::run_crawl(c, crawlers::load_sources(c.resolve(c.crawler.sources_file)), *producer, crawl); !s) return s;
  producer.reset();
  server.stop();
  std::cout << "      " << describe(crawl) << std::endl;

  step(5, kSteps, "tagging documents (Kafka " + c.kafka.raw_topic + " -> " + c.kafka.enriched_topic + ")");
  const processors::Analyzer analyzer(c.resolve(c.processor.rules_dir));
  processors::ProcessStats process;
  if (s = processors::run_processor(c, analyzer, {true, 0}, process); !s) return s;
  std::cout << "      " << process.enriched << " enriched, " << process.dead_lettered << " dead-lettered" << std::endl;

  step(6, kSteps, "storing into ClickHouse (Kafka " + c.kafka.enriched_topic + " -> " + c.clickhouse.database + ".documents)");
  clickhouse::SinkStats sink;
  if (s = clickhouse::run_sink(c, {true, 0}, sink); !s) return s;
  std::cout << "      " << sink.inserted << " rows inserted in " << sink.batches << " batches, " << sink.dead_lettered
            << " dead-lettered" << std::endl;

  step(7, kSteps, "what is stored");
  clickhouse::Client client(c.clickhouse);
  uint64_t total = 0;
  std::vector<queries::GroupCount> groups;
  if (s = queries::count_documents(client, total); !s) return s;
  if (s = queries::count_by_site_and_kind(client, groups); !s) return s;
  for (const auto& g : groups) std::cout << "      " << g.site << " / " << g.kind << ": " << g.documents << "\n";
  std::cout << "      " << total << " distinct documents in " << c.clickhouse.database << ".documents at " << c.clickhouse.url
            << std::endl;

  const auto scenario = web.scenario();
  step(8, kSteps, "alerts: replaying the sandbox timeline hour by hour (" + format_iso8601(scenario.start).substr(0, 10) + " to " +
                      format_iso8601(scenario.end()).substr(0, 10) + ") through the detectors");
  const alerts::AlertsConfig ac = alerts::load_alerts_config(c);
  alerts::RunStats run;
  if (s = alerts::run_hours(c, ac, alerts::replay_hours(scenario.start, scenario.end()), true, run); !s) return s;
  std::vector<alerts::Alert> raised;
  alerts::AlertFilter all;
  all.since = scenario.start;
  all.until = scenario.end() + alerts::kHour;
  all.limit = 10000;
  if (s = alerts::list_alerts(client, all, raised); !s) return s;
  std::cout << "      " << raised.size() << " alerts (" << run.raised << " new in this run, " << run.closed << " closed by an official clarification)\n";
  for (auto it = raised.rbegin(); it != raised.rend(); ++it)
    std::cout << "      " << format_iso8601(it->fired_at).substr(0, 16) << " [" << alerts::chinese_label(it->severity) << "] " << it->title
              << (it->status == alerts::AlertStatus::closed ? "（已关闭）" : "") << "\n";

  const std::string week = peak_week(web);
  step(9, kSteps, "the weekly assessment report of the peak week " + week + " (HTML + PDF, e-mailed to the openness office)");
  if (s = run_self(c, "report weekly --week " + week + " --format html,pdf --email"); !s) return s;

  step(10, kSteps, "delivering the alert and report e-mails to the mail sink (yuqing mail flush)");
  if (s = run_self(c, "mail flush --idle-exit 3"); !s) return s;
  std::map<std::string, std::string> unit_of;  // address -> unit
  for (const auto& [unit, addresses] : ac.routing.recipients)
    for (const auto& a : addresses) unit_of[a] = unit;
  for (const auto& a : ac.routing.office) unit_of[a] = "政务公开办公室（全部预警）";
  // Where scripts/services.sh's mail sink writes: $YUQING_VAR/mail/inbox, else var/ of the project.
  const char* var = std::getenv("YUQING_VAR");
  const auto inbox = (var && *var ? std::filesystem::path(var) : c.resolve("var")) / "mail" / "inbox";
  for (const auto& [to, n] : mails_per_recipient(inbox))
    std::cout << "      " << (unit_of.count(to) ? unit_of[to] : std::string("?")) << " <" << to << ">: " << n << " e-mail(s)\n";

  std::cout << "\nWhere to look:\n"
            << "  var/mail/inbox/new/                 the e-mails, one file each (alerts per department, digests, the report)\n"
            << "  var/reports/" << week << "/      the week's report: weekly-" << week << ".pdf and .html\n"
            << "  build/bin/yuqing serve              the dashboard at http://127.0.0.1:18090/ (configs/server.yaml): user demo,\n"
            << "                                      password in var/secrets/dashboard.password (made on first start)\n"
            << "  build/bin/yuqing alert list         the alerts; alert show ID explains one, alert ack / close handle it\n"
            << "  build/bin/yuqing query summary      stored documents by site and kind\n"
            << "  scripts/services.sh status          where Kafka, ClickHouse and the mail sink listen\n";
  return Status::ok();
}

}  // namespace

void add_demo_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the whole pipeline once on the built-in sandbox web: start the local services if needed,\n"
      "migrate, serve the sandbox, crawl it into Kafka, tag, store in ClickHouse, and print what\n"
      "was stored and where to look. Safe to run again: stored documents are not duplicated.");
  auto no_services = std::make_shared<bool>(false);
  cmd->add_flag("--no-services", *no_services, "do not run scripts/services.sh; use the configured Kafka and ClickHouse");
  cmd->callback([&ctx, no_services] {
    const Config& c = ctx.start("demo");
    ctx.exit_code = report(run_demo(c, !*no_services), "demo");
  });
}

}  // namespace yuqing::cli
