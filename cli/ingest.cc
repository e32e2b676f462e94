// `yuqing ingest` and the dashboard server's POST /api/ingest: documents from third-party monitoring
// services and partner departments into Kafka yuqing.raw (ingest/ingest.h), one code path for both.
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>

#include "cli/command.h"
#include "ingest/ingest.h"
#include "server/server.h"
#include "storage/clickhouse/client.h"
#include "stream/kafka.h"

namespace yuqing::cli {
namespace {

constexpr int kAckTimeoutMs = 60000;
constexpr int kFlushAttempts = 5;
constexpr size_t kShownRejections = 50;
constexpr uint64_t kProgressEvery = 10000;
constexpr size_t kMaxPushBody = 8 * 1024 * 1024;  // one push request; larger exports go through `yuqing ingest`

// Waits until Kafka acknowledged every produced document; retries while the broker is away.
Status flush(kafka::Producer& producer) {
  Status s;
  for (int attempt = 1; attempt <= kFlushAttempts; ++attempt) {
    s = producer.flush(kAckTimeoutMs);
    if (s || s.kind() != Status::Kind::retry_later) return s;
    spdlog::warn("ingest: waiting for Kafka to acknowledge (attempt {} of {}): {}", attempt, kFlushAttempts, s.message());
  }
  return s;
}

// The import's crawl_health row; a failure only costs the row, never the documents.
void write_health(const Config& c, const ingest::Report& r, const std::string& source) {
  clickhouse::Client client(c.clickhouse);
  const UnixSeconds now = now_seconds();
  const std::string run_id = "ingest-" + source + "-" + std::to_string(now);
  auto result = client.execute("INSERT INTO crawl_health FORMAT JSONEachRow", ingest::health_row(r, source, run_id, now));
  if (!result.status) spdlog::warn("ingest: crawl_health not written (run `yuqing migrate`?): {}", result.status.to_string());
}

int run(const Config& c, const std::string& path, const std::string& source, const std::string& format_name) {
  if (Status s = ingest::check_source_name(source); !s) return report(s, "ingest");
  ingest::Format format = ingest::format_of_path(path);
  if (!format_name.empty()) format = *ingest::format_from_name(format_name);

  std::string data;
  if (path == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return report(Status::invalid("cannot read " + path), "ingest");
    data.assign(std::istreambuf_iterator<char>(in), {});
  }

  Status s;
  auto producer = kafka::Producer::create(c.kafka, "yuqing-ingest", s);
  if (!s) return report(s, "ingest");
  ingest::Importer importer(source, now_seconds());
  s = ingest::read_records(data, format, importer, [&](const Document& d) {
    if (importer.report().accepted % kProgressEvery == 0)
      spdlog::info("ingest: {} documents so far", importer.report().accepted);
    return producer->produce(c.kafka.raw_topic, d.id, to_json(d));
  });
  if (s) s = flush(*producer);
  const ingest::Report& r = importer.report();
  if (!s) {
    spdlog::error("ingest: {} documents read but not all acknowledged by Kafka; run the same import again "
                  "(ids are stable, nothing is stored twice)", r.accepted);
    return report(s, "ingest " + path);
  }
  write_health(c, r, source);

  std::cout << "ingest " << (path == "-" ? "stdin" : path) << " as source '" << source << "': " << r.accepted
            << " accepted into " << c.kafka.raw_topic << ", " << r.rejected << " rejected, " << r.duplicates
            << " duplicate(s) within the input\n";
  for (size_t i = 0; i < r.rejections.size() && i < kShownRejections; ++i)
    std::cout << "  line " << r.rejections[i].line << ": " << r.rejections[i].reason << "\n";
  if (r.rejections.size() > kShownRejections)
    std::cout << "  ... and " << r.rejections.size() - kShownRejections << " more rejected\n";
  return r.rejected > 0 ? 1 : 0;
}

}  // namespace

void add_ingest_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "ingest",
      "Load documents from a third-party monitoring export or a partner department's dump into the\n"
      "pipeline (Kafka yuqing.raw, then `process` and `sink` as for crawled pages). JSON lines or CSV\n"
      "with a header; fields: kind (article|comment|message|reply|post), url and/or external_id, parent\n"
      "(the parent's url or external_id, for comments and replies), title, text, author, source_name,\n"
      "published_at (ISO 8601 with an offset). Bad records are listed with their line and the rest goes\n"
      "in; the same file imported twice stores nothing new. docs/INGEST.md has an example per kind.\n"
      "Exit code 1 when a record was rejected.\n"
      "Example: yuqing ingest --source weibo-monitor export.csv");
  auto path = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>("import");
  auto format = std::make_shared<std::string>();
  cmd->add_option("FILE", *path, "the file to read, or - for standard input")->required();
  cmd->add_option("--source", *source, "name the documents carry as their site (crawl health, coverage); default: import");
  cmd->add_option("--format", *format, "jsonl or csv; default: csv for a .csv file, else jsonl")
      ->check(CLI::IsMember({"jsonl", "json", "ndjson", "csv"}));
  cmd->callback([&ctx, path, source, format] { ctx.exit_code = run(ctx.start("ingest"), *path, *source, *format); });
}

void add_ingest_route(server::DashboardServer& dashboard, const Config& c) {
  struct Shared {
    std::mutex mutex;  // one producer for the server; librdkafka's producer is not used from two threads here
    std::unique_ptr<kafka::Producer> producer;
  };
  auto shared = std::make_shared<Shared>();
  dashboard.add_body_route(
      "/api/ingest", kMaxPushBody, "push documents as JSON lines (?source=NAME); one answer per line",
      [shared, &c](const std::string& body, const server::ApiRequest& request) -> server::ApiReply {
        std::string source = "push";
        for (const auto& [name, value] : request.params)
          if (name == "source") source = value;
        if (Status s = ingest::check_source_name(source); !s) return server::error_reply(s);
        std::lock_guard lock(shared->mutex);
        Status s;
        if (!shared->producer) shared->producer = kafka::Producer::create(c.kafka, "yuqing-ingest-push", s);
        if (!s) return server::error_reply(Status::retry_later(s.message()));
        ingest::Importer importer(source, now_seconds());
        std::vector<ingest::LineResult> lines;
        s = ingest::read_records(body, ingest::Format::jsonl, importer, [&](const Document& d) {
          return shared->producer->produce(c.kafka.raw_topic, d.id, to_json(d));
        }, &lines);
        if (s) s = flush(*shared->producer);
        if (!s) return server::error_reply(s.kind() == Status::Kind::invalid ? s : Status::retry_later(s.message()));
        write_health(c, importer.report(), source);
        nlohmann::json answers = nlohmann::json::array();
        for (const auto& l : lines) {
          nlohmann::json a = {{"line", l.line}};
          switch (l.outcome) {
            case ingest::Importer::Outcome::accepted: a["status"] = "accepted"; a["id"] = l.id; break;
            case ingest::Importer::Outcome::duplicate: a["status"] = "duplicate"; a["id"] = l.id; break;
            case ingest::Importer::Outcome::rejected: a["status"] = "rejected"; a["error"] = l.why; break;
          }
          answers.push_back(std::move(a));
        }
        const auto& r = importer.report();
        spdlog::info("serve: ingest from '{}' as source '{}': {} accepted, {} rejected, {} duplicate(s)", request.user,
                     source, r.accepted, r.rejected, r.duplicates);
        return {200, {{"source", source}, {"accepted", r.accepted}, {"rejected", r.rejected},
                      {"duplicates", r.duplicates}, {"lines", answers}}};
      });
}

}  // namespace yuqing::cli
