#include "support/fake_pg.h"

namespace velo::testing {
namespace {

class FakeSession : public pg::Session {
 public:
  FakeSession(FakePg& server, pg::ConnParams conn, int id)
      : server_(server), conn_(std::move(conn)), id_(id) {}

  Result<std::vector<pg::Row>> query(const std::string& sql,
                                     const std::vector<std::string>& params = {}) override {
    return server_.run(conn_, id_, sql, params);
  }
  Status exec(const std::string& sql) override {
    auto rows = server_.run(conn_, id_, sql, {});
    return rows.ok() ? Status::Ok() : Status(rows.error());
  }
  Result<std::string> quote_identifier(const std::string& name) override {
    VELO_TRY(server_.run(conn_, id_, "\\quote_identifier", {name}));
    return "\"" + name + "\"";
  }
  int server_version() const override { return server_.server_version; }

 private:
  FakePg& server_;
  pg::ConnParams conn_;
  int id_;
};

}  // namespace

bool FakePg::Rule::matches(const std::string& sql) const {
  if (failure && times == 0) return false;  // used up
  return regex ? std::regex_search(sql, *regex) : sql.find(pattern) != std::string::npos;
}

FakePg::Rule& FakePg::add(const std::string& pattern, bool regex) {
  Rule rule;
  rule.pattern = pattern;
  if (regex) rule.regex.emplace(pattern);
  rules_.push_back(std::move(rule));
  return rules_.back();
}

void FakePg::on(const std::string& pattern, std::vector<pg::Row> rows) {
  add(pattern, false).answers.push_back(std::move(rows));
}

void FakePg::on_regex(const std::string& pattern, std::vector<pg::Row> rows) {
  add(pattern, true).answers.push_back(std::move(rows));
}

void FakePg::on_each(const std::string& pattern, std::vector<std::vector<pg::Row>> answers) {
  add(pattern, false).answers = std::move(answers);
}

void FakePg::on_call(const std::string& pattern, Handler handler) {
  add(pattern, false).handler = std::move(handler);
}

void FakePg::fail(const std::string& pattern, ErrorKind kind, int times) {
  Rule& rule = add(pattern, false);
  rule.failure = kind;
  rule.times = times;
}

void FakePg::fail_regex(const std::string& pattern, ErrorKind kind, int times) {
  Rule& rule = add(pattern, true);
  rule.failure = kind;
  rule.times = times;
}

void FakePg::refuse(int port, std::string why) {
  refuse_if([port](const pg::ConnParams& params) { return params.port == port; }, std::move(why));
}

void FakePg::refuse_if(std::function<bool(const pg::ConnParams&)> when, std::string why) {
  refusals_.push_back({std::move(when), std::move(why)});
}

Result<std::unique_ptr<pg::Session>> FakePg::connect(const pg::ConnParams& params) {
  connections_.push_back(params);
  for (const auto& refusal : refusals_) {
    if (refusal.when(params)) {
      // The shape of pg::Connection::open's message.
      return make_error(ErrorKind::Io, "cannot connect to {}: {}", pg::to_url(params, false),
                        refusal.why);
    }
  }
  int id = static_cast<int>(connections_.size());
  return std::unique_ptr<pg::Session>(std::make_unique<FakeSession>(*this, params, id));
}

Result<std::string> FakePg::encrypt_password(const std::string& user, const std::string& password) {
  // Recorded as a statement of no session: tests inject its failure and
  // check that the clear password reaches no SQL.
  VELO_TRY(run(pg::ConnParams{}, 0, "\\encrypt_password", {user, password}));
  return verifier(user, password);
}

pg::PingStatus FakePg::ping(const pg::ConnParams& params) {
  ++pings_;
  last_ping_ = params;
  auto found = pings_by_port_.find(params.port);
  if (found == pings_by_port_.end() || found->second.empty()) return ping_default;
  std::vector<pg::PingStatus>& statuses = found->second;
  pg::PingStatus status = statuses.front();
  if (statuses.size() > 1) statuses.erase(statuses.begin());
  return status;
}

FakePg::Answer FakePg::run(const pg::ConnParams& conn, int session, const std::string& sql,
                           const std::vector<std::string>& params) {
  statements_.push_back({conn, session, sql, params});
  const PgStatement& statement = statements_.back();
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (!rule->matches(sql)) continue;
    if (rule->failure) {
      if (rule->times > 0) --rule->times;
      return make_error(*rule->failure, "query \"{}\" failed: injected failure", sql);
    }
    if (rule->handler) return rule->handler(PgStatement(statement));
    if (rule->answers.empty()) return std::vector<pg::Row>();
    const auto& rows = rule->answers[std::min(rule->next, rule->answers.size() - 1)];
    ++rule->next;
    return rows;
  }
  return std::vector<pg::Row>();
}

std::vector<PgStatement> FakePg::matching(const std::string& pattern) const {
  std::vector<PgStatement> out;
  for (const auto& statement : statements_) {
    if (statement.sql.find(pattern) != std::string::npos) out.push_back(statement);
  }
  return out;
}

}  // namespace velo::testing
