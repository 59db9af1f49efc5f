// A scripted PostgreSQL for unit tests: a pg::Client whose sessions
// answer statements from rules and log each one with the connection it
// came through, so that tests check what core asks a server, as whom, and
// what happens when the server says no.
//
// Rules match a statement's SQL by substring or regular expression; the
// newest matching rule answers. A statement no rule matches returns no
// rows. encrypt_password and quote_identifier run client-side in libpq;
// here they are logged as the pseudo-statements "\encrypt_password" and
// "\quote_identifier" (their arguments as params), so rules can fail them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "pg/client.h"

namespace velo::testing {

struct PgStatement {
  pg::ConnParams conn;  // what the session was opened with
  int session = 0;      // the connection attempt that opened it: 1, 2, ...
  std::string sql;
  std::vector<std::string> params;
};

class FakePg : public pg::Client {
 public:
  using Answer = Result<std::vector<pg::Row>>;
  using Handler = std::function<Answer(const PgStatement&)>;

  // Statements containing `pattern` answer `rows`.
  void on(const std::string& pattern, std::vector<pg::Row> rows);
  // The same for statements std::regex_search finds `pattern` in.
  void on_regex(const std::string& pattern, std::vector<pg::Row> rows);
  // Answers in order, the last one repeating.
  void on_each(const std::string& pattern, std::vector<std::vector<pg::Row>> answers);
  // Statements containing `pattern` are answered by `handler` (answers
  // computed from the params, side effects such as an archived file).
  void on_call(const std::string& pattern, Handler handler);
  // Statements containing `pattern` fail (`times` times; -1: always).
  void fail(const std::string& pattern, ErrorKind kind = ErrorKind::Io, int times = -1);
  void fail_regex(const std::string& pattern, ErrorKind kind = ErrorKind::Io, int times = -1);

  // Connections to `port` fail as libpq's do ("cannot connect to URL:
  // why"); `why` decides how an import classifies it.
  void refuse(int port, std::string why = "connection refused");
  // Connections for which `when` holds fail the same way.
  void refuse_if(std::function<bool(const pg::ConnParams&)> when,
                 std::string why = "connection refused");
  // Pings of `port` get `status`; a sequence is answered in order, the
  // last one repeating (a server that finishes its recovery).
  void ping_answer(int port, pg::PingStatus status) { ping_sequence(port, {status}); }
  void ping_sequence(int port, std::vector<pg::PingStatus> statuses) {
    pings_by_port_[port] = std::move(statuses);
  }

  // What encrypt_password makes of a password: recognisable, without the
  // clear text in it (tests check that none reaches SQL).
  static std::string verifier(const std::string& user, const std::string& password) {
    return "SCRAM-SHA-256$fake$" + user + "$" + std::string(password.rbegin(), password.rend());
  }

  pg::PingStatus ping_default = pg::PingStatus::Ok;
  int server_version = 150004;

  Result<std::unique_ptr<pg::Session>> connect(const pg::ConnParams& params) override;
  pg::PingStatus ping(const pg::ConnParams& params) override;
  Result<std::string> encrypt_password(const std::string& user,
                                       const std::string& password) override;

  // Every statement, in order.
  const std::vector<PgStatement>& statements() const { return statements_; }
  // Every connection attempt, refused ones included.
  const std::vector<pg::ConnParams>& connections() const { return connections_; }
  int pings() const { return pings_; }
  // What the latest ping was sent to.
  const pg::ConnParams& last_ping() const { return last_ping_; }
  // Statements whose SQL contains `pattern`.
  std::vector<PgStatement> matching(const std::string& pattern) const;
  int count(const std::string& pattern) const { return static_cast<int>(matching(pattern).size()); }

  // For the sessions: answers and logs one statement.
  Answer run(const pg::ConnParams& conn, int session, const std::string& sql,
             const std::vector<std::string>& params);

 private:
  struct Rule {
    std::string pattern;
    std::optional<std::regex> regex;
    std::vector<std::vector<pg::Row>> answers;
    size_t next = 0;
    Handler handler;
    std::optional<ErrorKind> failure;
    int times = -1;
    bool matches(const std::string& sql) const;
  };
  struct Refusal {
    std::function<bool(const pg::ConnParams&)> when;
    std::string why;
  };
  Rule& add(const std::string& pattern, bool regex);

  std::vector<Rule> rules_;  // newest last
  std::vector<Refusal> refusals_;
  std::map<int, std::vector<pg::PingStatus>> pings_by_port_;
  std::vector<PgStatement> statements_;
  std::vector<pg::ConnParams> connections_;
  int pings_ = 0;
  pg::ConnParams last_ping_;
};

}  // namespace velo::testing
