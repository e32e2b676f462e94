#include "storage/clickhouse/migrations.h"

#include <spdlog/spdlog.h>

#include <map>
#include <sstream>

#include "core/hash.h"
#include "core/time.h"

namespace yuqing::clickhouse {
namespace {

// ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS; a re-run of an ADD COLUMN whose column exists
// (a crash between the statement and its record) is treated as done.
bool is_repeated_add_column(const std::string& statement, const Response& r) {
  constexpr int kIllegalColumn = 44;
  return r.code == kIllegalColumn && statement.find("ADD COLUMN") != std::string::npos &&
         r.body.find("already exists") != std::string::npos;
}

constexpr const char* kSchemaMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, checksum String, "
    "applied_at DateTime('UTC')) ENGINE = ReplacingMergeTree ORDER BY version";

}  // namespace

std::vector<std::string> schema_statements(const std::vector<Migration>& migrations) {
  std::vector<std::string> out = {kSchemaMigrationsTable};
  for (const auto& m : migrations)
    for (auto& s : split_statements(m.sql)) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream in(sql);
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    const auto last = line.find_last_not_of(" \t\r");
    const bool ends_statement = line[last] == ';';
    current += line.substr(0, ends_statement ? last : last + 1);
    current += '\n';
    if (ends_statement) {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\n") != std::string::npos) out.push_back(current);
  return out;
}

Status migrate(const ClickHouseOptions& options, const std::vector<Migration>& migrations,
               std::vector<std::string>& applied) {
  ClickHouseOptions server = options;
  server.database = "default";
  Client admin(server);
  if (auto r = admin.execute("CREATE DATABASE IF NOT EXISTS " + options.database); !r.status) return r.status;

  Client db(options);
  auto r = db.execute(kSchemaMigrationsTable);
  if (!r.status) return r.status;
  r = db.execute("SELECT version, checksum FROM schema_migrations FINAL FORMAT TabSeparated");
  if (!r.status) return r.status;
  std::map<int, std::string> done;
  std::istringstream rows(r.body);
  for (std::string line; std::getline(rows, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) done[std::stoi(line.substr(0, tab))] = line.substr(tab + 1);
  }

  for (const auto& m : migrations) {
    const std::string checksum = fingerprint(m.sql);
    if (auto it = done.find(m.version); it != done.end()) {
      if (it->second != checksum)
        return Status::invalid("migration " + m.name + " was changed after it was applied; add a new migration instead");
      continue;
    }
    spdlog::info("migrate: applying {}", m.name);
    for (const auto& statement : split_statements(m.sql)) {
      auto s = db.execute(statement);
      if (!s.status && is_repeated_add_column(statement, s)) continue;
      if (!s.status)
        return s.status.kind() == Status::Kind::retry_later ? s.status : Status::invalid(m.name + ": " + s.status.message());
    }
    const std::string record = "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", " +
                               quote(m.name) + ", " + quote(checksum) + ", " + quote(format_clickhouse_utc(now_seconds())) + ")";
    if (auto s = db.execute(record); !s.status) return s.status;
    applied.push_back(m.name);
  }
  return Status::ok();
}

}  // namespace yuqing::clickhouse
