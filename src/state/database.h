// SQLite, wrapped: a RAII connection, prepared statements with bound text
// and integer values, and IMMEDIATE transactions so that every
// read-modify-write holds the write lock from its first read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace velo::state {

using Value = std::variant<std::nullptr_t, int64_t, std::string>;

class Database {
 public:
  // Opens (creating, mode 0600) the database at `path`, in WAL mode with a
  // busy timeout, so concurrent velo processes wait instead of failing.
  static Result<Database> open(const std::string& path);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  Status exec(const std::string& sql);
  // Runs `sql` with `params`; returns each row as a list of values.
  Result<std::vector<std::vector<Value>>> query(const std::string& sql,
                                                const std::vector<Value>& params = {});
  Status run(const std::string& sql, const std::vector<Value>& params = {});
  int64_t changes() const;

  // BEGIN IMMEDIATE; body; COMMIT (or ROLLBACK when body fails).
  Status transaction(const std::function<Status()>& body);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Error error(const std::string& what) const;
  sqlite3* db_ = nullptr;
};

// Value accessors that read NULL as empty / zero.
std::string as_text(const Value& value);
int64_t as_int(const Value& value);
Value text_or_null(const std::optional<std::string>& text);

}  // namespace velo::state
