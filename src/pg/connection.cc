#include "pg/connection.h"

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <utility>

namespace velo::pg {
namespace {

// Keyword/value arrays for PQconnectdbParams and PQpingParams: the
// password never becomes part of a string that could be logged.
class Keywords {
 public:
  explicit Keywords(const ConnParams& params) {
    add("host", params.host);
    add("port", std::to_string(params.port));
    add("user", params.user);
    if (!params.password.empty()) add("password", params.password);
    add("dbname", params.dbname);
    add("connect_timeout", std::to_string(params.connect_timeout_s));
    add("application_name", "velo");
    add("client_encoding", "UTF8");
    // See ConnParams::passfile; options come last and may override.
    if (!params.passfile.empty()) add("passfile", params.passfile);
    for (const auto& [key, value] : params.options) add(key.c_str(), value);
    for (size_t i = 0; i < keys_.size(); ++i) {
      key_ptrs_.push_back(keys_[i].c_str());
      value_ptrs_.push_back(values_[i].c_str());
    }
    key_ptrs_.push_back(nullptr);
    value_ptrs_.push_back(nullptr);
  }
  const char* const* keys() const { return key_ptrs_.data(); }
  const char* const* values() const { return value_ptrs_.data(); }

 private:
  void add(const char* key, std::string value) {
    keys_.emplace_back(key);
    values_.push_back(std::move(value));
  }
  std::vector<std::string> keys_, values_;
  std::vector<const char*> key_ptrs_, value_ptrs_;
};

// libpq's messages end with a newline; error messages are one line.
std::string trim(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Status check_result(PGconn* conn, const ResultPtr& result, const std::string& sql) {
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
  std::string message = trim(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn));
  if (message.empty()) message = trim(PQerrorMessage(conn));
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  // 57014: query_canceled (statement_timeout); 55P03: lock_not_available.
  ErrorKind kind = ErrorKind::Io;
  if (state != nullptr && std::string(state) == "57014") kind = ErrorKind::Timeout;
  if (state != nullptr && std::string(state) == "55P03") kind = ErrorKind::Busy;
  std::string head = sql.substr(0, sql.find('\n'));
  return make_error(kind, "query \"{}\" failed: {}", head, message);
}

std::vector<Row> rows_of(const PGresult* result) {
  std::vector<Row> rows;
  int columns = PQnfields(result);
  rows.reserve(PQntuples(result));
  for (int r = 0; r < PQntuples(result); ++r) {
    Row row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      row.emplace_back(PQgetvalue(result, r, c), PQgetlength(result, r, c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// libpq's pipeline mode: the statements and a sync went out together;
// each statement's result is followed by a null, the sync by its own
// result. A statement after a failed one comes back PGRES_PIPELINE_ABORTED.
class LibpqPipeline : public Pipeline {
 public:
  LibpqPipeline(PGconn* conn, std::vector<std::string> statements)
      : conn_(conn), statements_(std::move(statements)) {}
  ~LibpqPipeline() override { finish(); }
  LibpqPipeline(const LibpqPipeline&) = delete;
  LibpqPipeline& operator=(const LibpqPipeline&) = delete;

  Result<std::vector<Row>> next() override {
    if (next_ >= statements_.size()) {
      return make_error(ErrorKind::Io, "no statement left in the pipeline");
    }
    const std::string& sql = statements_[next_++];
    ResultPtr result(PQgetResult(conn_));
    if (result) ResultPtr(PQgetResult(conn_));  // the null that ends it
    if (result && PQresultStatus(result.get()) == PGRES_PIPELINE_ABORTED) {
      return make_error(ErrorKind::Io, "query \"{}\" not run: a statement before it failed",
                        sql.substr(0, sql.find('\n')));
    }
    VELO_TRY(check_result(conn_, result, sql));
    return rows_of(result.get());
  }

 private:
  // Reads what is left up to the sync's result and leaves pipeline mode.
  void finish() {
    for (size_t nulls = 0; nulls <= statements_.size() + 1;) {
      ResultPtr result(PQgetResult(conn_));
      if (!result) {
        if (PQstatus(conn_) == CONNECTION_BAD) break;
        ++nulls;
        continue;
      }
      if (PQresultStatus(result.get()) == PGRES_PIPELINE_SYNC) break;
    }
    PQexitPipelineMode(conn_);
  }

  PGconn* conn_;
  std::vector<std::string> statements_;
  size_t next_ = 0;
};

}  // namespace

PingStatus ping(const ConnParams& params) {
  Keywords keywords(params);
  switch (PQpingParams(keywords.keys(), keywords.values(), 0)) {
    case PQPING_OK:
      return PingStatus::Ok;
    case PQPING_REJECT:
      return PingStatus::Rejecting;
    case PQPING_NO_RESPONSE:
      return PingStatus::NoResponse;
    default:
      return PingStatus::NoAttempt;
  }
}

Result<Connection> Connection::open(const ConnParams& params) {
  Keywords keywords(params);
  PGconn* conn = PQconnectdbParams(keywords.keys(), keywords.values(), 0);
  if (conn == nullptr) return make_error(ErrorKind::Io, "libpq: out of memory");
  Connection connection(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    return make_error(ErrorKind::Io, "cannot connect to {}: {}", to_url(params, false),
                      trim(PQerrorMessage(conn)));
  }
  // libpq prints the server's notices and warnings to stderr. velo's
  // sessions are its own business: a crash's "terminating connection"
  // WARNING would come before velo's one line saying what failed.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return connection;
}

Connection::Connection(Connection&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Result<std::vector<Row>> Connection::query(const std::string& sql,
                                           const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param.c_str());
  ResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
  VELO_TRY(check_result(conn_, result, sql));
  return rows_of(result.get());
}

Result<std::unique_ptr<Pipeline>> Connection::pipeline(std::vector<std::string> statements) {
  if (PQenterPipelineMode(conn_) != 1) {
    return make_error(ErrorKind::Io, "cannot enter pipeline mode: {}", trim(PQerrorMessage(conn_)));
  }
  bool sent = true;
  for (const auto& sql : statements) {
    sent = PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    if (!sent) break;
  }
  std::string error = sent ? "" : trim(PQerrorMessage(conn_));
  if (PQpipelineSync(conn_) != 1 && error.empty()) error = trim(PQerrorMessage(conn_));
  // Made even when sending failed: going, it reads what was sent up to the
  // sync and leaves pipeline mode, so that the session stays usable.
  auto pipeline = std::make_unique<LibpqPipeline>(conn_, std::move(statements));
  if (!error.empty()) return make_error(ErrorKind::Io, "cannot send a pipeline: {}", error);
  return std::unique_ptr<Pipeline>(std::move(pipeline));
}

Status Connection::exec(const std::string& sql) {
  ResultPtr result(PQexec(conn_, sql.c_str()));
  return check_result(conn_, result, sql);
}

Result<std::string> Connection::quote_identifier(const std::string& name) {
  char* quoted = PQescapeIdentifier(conn_, name.c_str(), name.size());
  if (quoted == nullptr) {
    return make_error(ErrorKind::Invalid, "cannot quote the name {}: {}", name,
                      trim(PQerrorMessage(conn_)));
  }
  std::string text = quoted;
  PQfreemem(quoted);
  return text;
}

int Connection::server_version() const { return PQserverVersion(conn_); }

Result<std::unique_ptr<Session>> LibpqClient::connect(const ConnParams& params) {
  VELO_ASSIGN_OR_RETURN(Connection connection, Connection::open(params));
  return std::unique_ptr<Session>(std::make_unique<Connection>(std::move(connection)));
}

PingStatus LibpqClient::ping(const ConnParams& params) { return pg::ping(params); }

Result<std::string> LibpqClient::encrypt_password(const std::string& user,
                                                  const std::string& password) {
  // PQencryptPasswordConn asks its connection only for the server's
  // algorithm, which is named here, and for a place to put errors: a
  // conninfo libpq refuses outright gives it one with no connection
  // attempt at all.
  PGconn* conn = PQconnectStart("velo_no_server=1");
  if (conn == nullptr) return make_error(ErrorKind::Io, "cannot encrypt password: out of memory");
  char* verifier = PQencryptPasswordConn(conn, password.c_str(), user.c_str(), "scram-sha-256");
  std::string why = verifier == nullptr ? trim(PQerrorMessage(conn)) : "";
  PQfinish(conn);
  if (verifier == nullptr) return make_error(ErrorKind::Io, "cannot encrypt password: {}", why);
  std::string text = verifier;
  PQfreemem(verifier);
  return text;
}

}  // namespace velo::pg
