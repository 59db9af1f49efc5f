#include "core/merge/apply.h"

#include <fmt/format.h>

#include <set>

#include "core/merge/sessions.h"

namespace velo::core {
namespace {

class Applier {
 public:
  Applier(Context& ctx, BranchHandle& target, const ApplyOptions& options)
      : sessions_(ctx.pg, conn_params(target)), options_(options) {}

  // Rolls back whatever is still open (a failure, an interrupt).
  ~Applier() {
    for (auto& [name, session] : sessions_.open()) {
      if (in_transaction_.count(name) != 0) (void)session->exec("ROLLBACK");
    }
  }

  Status run(const diff::Statement& statement) {
    if (!statement.transactional) return run_alone(statement);
    const std::string name = statement.database.empty() ? "postgres" : statement.database;
    VELO_ASSIGN_OR_RETURN(pg::Session * session, sessions_.get(name));
    if (in_transaction_.count(name) == 0) {
      VELO_TRY(session->exec("BEGIN"));
      in_transaction_.insert(name);
      VELO_TRY(session->exec(
          fmt::format("SET LOCAL lock_timeout = '{}ms'", options_.lock_timeout.count())));
    }
    return session->exec(statement.sql);
  }

  Status commit_all() {
    for (auto& [name, session] : sessions_.open()) {
      if (in_transaction_.count(name) == 0) continue;
      in_transaction_.erase(name);
      VELO_TRY(session->exec("COMMIT"));
      committed_ = true;
    }
    return Status::Ok();
  }

  bool committed() const { return committed_; }
  std::vector<std::string> outside;

 private:
  Status run_alone(const diff::Statement& statement) {
    VELO_TRY(commit_all());
    // DROP DATABASE needs the database free of sessions, velo's too.
    for (auto it = sessions_.open().begin(); it != sessions_.open().end();) {
      it = it->first == "postgres" ? std::next(it) : sessions_.open().erase(it);
    }
    VELO_ASSIGN_OR_RETURN(pg::Session * session, sessions_.get(statement.database));
    VELO_TRY(
        session->exec(fmt::format("SET lock_timeout = '{}ms'", options_.lock_timeout.count())));
    outside.push_back(statement.sql);
    VELO_TRY(session->exec(statement.sql));
    committed_ = true;
    return Status::Ok();
  }

  DatabaseSessions sessions_;
  const ApplyOptions& options_;
  std::set<std::string> in_transaction_;
  bool committed_ = false;
};

}  // namespace

Result<ApplyReport> apply_plan(Context& ctx, BranchHandle& target, const diff::Plan& plan,
                               const ApplyOptions& options, bool& partly_committed) {
  ApplyReport report;
  auto started = ctx.clock.monotonic();
  Applier applier(ctx, target, options);
  for (size_t i = 0; i < plan.statements.size(); ++i) {
    const diff::Statement& statement = plan.statements[i];
    Status ran = applier.run(statement);
    if (!ran.ok()) {
      partly_committed = applier.committed();
      return make_error(ran.error().kind, "statement {} of {} ({}) failed on {}/{}: {}", i + 1,
                        plan.statements.size(), statement.sql, target.project.name,
                        target.branch.name, ran.error().message);
    }
  }
  Status committed = applier.commit_all();
  if (!committed.ok()) {
    partly_committed = applier.committed();
    return committed.error();
  }
  report.outside_transaction = applier.outside;
  report.ms = elapsed_ms(started, ctx.clock.monotonic());
  return report;
}

}  // namespace velo::core
