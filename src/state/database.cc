#include "state/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace velo::state {
namespace {

// Finalizes a statement however the function leaves.
struct StatementGuard {
  sqlite3_stmt* stmt = nullptr;
  ~StatementGuard() { sqlite3_finalize(stmt); }
};

ErrorKind kind_of(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorKind::Busy;
    case SQLITE_CONSTRAINT:
      return ErrorKind::Conflict;
    default:
      return ErrorKind::Io;
  }
}

}  // namespace

Result<Database> Database::open(const std::string& path) {
  // Create the file 0600 ourselves: it holds passwords. Only when it is
  // absent: closing any descriptor of a database file drops every POSIX
  // lock this process holds on it, those of SQLite connections in other
  // threads (velo serve) too, and that corrupts the database.
  if (::access(path.c_str(), F_OK) != 0) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return make_error(ErrorKind::Io, "cannot create state database {}", path);
    }
    if (fd >= 0) ::close(fd);
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(ErrorKind::Io, "cannot open state database {}: {}", path, message);
  }
  Database database(db);
  sqlite3_busy_timeout(db, 30000);
  VELO_TRY(
      database.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return database;
}

Database::Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

Database::~Database() { sqlite3_close(db_); }

Error Database::error(const std::string& what) const {
  return make_error(kind_of(sqlite3_extended_errcode(db_)), "state database: {}: {}", what,
                    sqlite3_errmsg(db_));
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error(kind_of(rc), "state database: {}", text);
  }
  return Status::Ok();
}

Result<std::vector<std::vector<Value>>> Database::query(const std::string& sql,
                                                        const std::vector<Value>& params) {
  StatementGuard guard;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &guard.stmt, nullptr) != SQLITE_OK) {
    return error("prepare");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const Value& value = params[i];
    if (std::holds_alternative<int64_t>(value)) {
      sqlite3_bind_int64(guard.stmt, index, std::get<int64_t>(value));
    } else if (std::holds_alternative<std::string>(value)) {
      const std::string& text = std::get<std::string>(value);
      sqlite3_bind_text(guard.stmt, index, text.c_str(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(guard.stmt, index);
    }
  }
  std::vector<std::vector<Value>> rows;
  while (true) {
    int rc = sqlite3_step(guard.stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error("step");
    std::vector<Value> row;
    int columns = sqlite3_column_count(guard.stmt);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(guard.stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(nullptr);
          break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(guard.stmt, c)));
          break;
        default:
          row.emplace_back(
              std::string(reinterpret_cast<const char*>(sqlite3_column_text(guard.stmt, c)),
                          static_cast<size_t>(sqlite3_column_bytes(guard.stmt, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status Database::run(const std::string& sql, const std::vector<Value>& params) {
  auto rows = query(sql, params);
  if (!rows.ok()) return rows.error();
  return Status::Ok();
}

int64_t Database::changes() const { return sqlite3_changes(db_); }

Status Database::transaction(const std::function<Status()>& body) {
  VELO_TRY(exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (!status.ok()) {
    (void)exec("ROLLBACK");
    return status;
  }
  Status committed = exec("COMMIT");
  if (!committed.ok()) (void)exec("ROLLBACK");
  return committed;
}

std::string as_text(const Value& value) {
  if (std::holds_alternative<std::string>(value)) return std::get<std::string>(value);
  if (std::holds_alternative<int64_t>(value)) return std::to_string(std::get<int64_t>(value));
  return "";
}

int64_t as_int(const Value& value) {
  if (std::holds_alternative<int64_t>(value)) return std::get<int64_t>(value);
  if (std::holds_alternative<std::string>(value)) {
    return std::strtoll(std::get<std::string>(value).c_str(), nullptr, 10);
  }
  return 0;
}

Value text_or_null(const std::optional<std::string>& text) {
  if (text) return *text;
  return nullptr;
}

}  // namespace velo::state
