// Schema migrations: versioned SQL files (storage/clickhouse/migrations/NNN_name.sql), compiled into
// the binary, applied in version order and recorded in <database>.schema_migrations.
//
// Contract: migrate() is idempotent — applied versions are skipped, so running it twice is a no-op.
// A file may hold several statements separated by ';' at the end of a line. A migration whose text
// changed after it was applied is an error (write a new migration instead). Statements must be
// idempotent themselves (IF NOT EXISTS), because a crash between a statement and its record re-runs it;
// ALTER TABLE ... ADD COLUMN, which 18.16 cannot write with IF NOT EXISTS, counts as done when the
// server answers that the column already exists.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/clickhouse/client.h"

namespace yuqing::clickhouse {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<Migration>& embedded_migrations();

// Splits a migration file into statements, dropping '--' comment lines.
std::vector<std::string> split_statements(const std::string& sql);

// Every statement migrate() may run in an empty database, in order (for `yuqing migrate --sql` and
// the portability test that replays them on a current ClickHouse).
std::vector<std::string> schema_statements(const std::vector<Migration>& migrations);

// Creates the database when missing, then applies pending migrations. `applied` receives the names
// of the migrations this call applied.
Status migrate(const ClickHouseOptions& options, const std::vector<Migration>& migrations,
               std::vector<std::string>& applied);

}  // namespace yuqing::clickhouse
