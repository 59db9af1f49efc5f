#include "core/merge/rehearsal.h"

#include <fmt/format.h>

#include <map>

#include "core/merge/scratch.h"
#include "core/merge/sessions.h"
#include "diff/change.h"
#include "diff/reader.h"
#include "diff/summary.h"
#include "util/timings.h"

namespace velo::core {
namespace {

// Relations of user schemas and their files: a statement that changes a
// relation's relfilenode rewrote it.
constexpr const char* kFilesSql =
    "SELECT c.oid::text, c.relfilenode::text, format('%I.%I', n.nspname, c.relname) "
    "FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'p') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'";
// ACCESS EXCLUSIVE locks this session holds on relations. A relation the
// statement dropped has no pg_class row any more: quote_ident (unlike
// format's %I, which raises an error for NULL) lets it fall back to its oid.
constexpr const char* kLocksSql =
    "SELECT l.relation::text, COALESCE(quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
    "l.relation::text) FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation "
    "LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE l.pid = pg_backend_pid() "
    "AND l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'";

using Files = std::map<std::string, std::pair<std::string, std::string>>;  // oid -> (file, name)

Result<Files> files_of(pg::Session& session) {
  VELO_ASSIGN_OR_RETURN(auto rows, session.query(kFilesSql));
  Files files;
  for (auto& row : rows) files[row[0]] = {row[1], row[2]};
  return files;
}

// Runs one transactional statement in its own transaction, noting the
// locks it took on relations that existed before it and what it rewrote.
Status run_measured(Context& ctx, pg::Session& session, StatementRun& run) {
  VELO_TRY(session.exec("BEGIN"));
  VELO_ASSIGN_OR_RETURN(Files before, files_of(session));
  auto started = ctx.clock.monotonic();
  Status ran = session.exec(run.sql);
  run.ms = elapsed_ms(started, ctx.clock.monotonic());
  if (!ran.ok()) {
    (void)session.exec("ROLLBACK");
    return ran;
  }
  VELO_ASSIGN_OR_RETURN(auto locks, session.query(kLocksSql));
  for (auto& lock : locks) {
    if (before.count(lock[0]) != 0) run.exclusive_locks.push_back(lock[1]);
  }
  VELO_ASSIGN_OR_RETURN(Files after, files_of(session));
  for (const auto& [oid, file] : after) {
    auto it = before.find(oid);
    if (it != before.end() && it->second.first != file.first) run.rewritten.push_back(file.second);
  }
  return session.exec("COMMIT");
}

Status run_plain(Context& ctx, pg::Session& session, StatementRun& run) {
  auto started = ctx.clock.monotonic();
  Status ran = session.exec(run.sql);
  run.ms = elapsed_ms(started, ctx.clock.monotonic());
  return ran;
}

bool has_hazard(const diff::Statement& statement, diff::HazardKind kind) {
  for (const auto& h : statement.hazards) {
    if (h.kind == kind) return true;
  }
  return false;
}

void note_hazards(const diff::Statement& statement, const StatementRun& run, size_t index,
                  const RehearsalOptions& options, Rehearsal& out) {
  if (!run.exclusive_locks.empty() &&
      run.ms > static_cast<double>(options.lock_threshold.count())) {
    out.hazards.push_back(
        {index, diff::Hazard{diff::HazardKind::LongLock,
                             fmt::format("held ACCESS EXCLUSIVE on {} for {:.0f} ms in the "
                                         "rehearsal (threshold {} ms)",
                                         run.exclusive_locks.front(), run.ms,
                                         options.lock_threshold.count())}});
  }
  if (!run.rewritten.empty() && !has_hazard(statement, diff::HazardKind::TableRewrite)) {
    out.hazards.push_back(
        {index, diff::Hazard{diff::HazardKind::TableRewrite,
                             fmt::format("rewrote {} in the rehearsal", run.rewritten.front())}});
  }
}

}  // namespace

Result<Rehearsal> rehearse(Context& ctx, BranchHandle& target, const diff::Plan& plan,
                           const diff::ClusterSchema& expected, const RehearsalOptions& options) {
  Rehearsal out;
  const std::string target_name = target.project.name + "/" + target.branch.name;
  auto started = ctx.clock.monotonic();
  ctx.reporter.step(fmt::format("rehearsing on a copy of {}'s data", target_name));
  VELO_ASSIGN_OR_RETURN(auto scratch, ScratchServer::of_now(ctx, target));
  auto cloned = ctx.clock.monotonic();
  out.clone_ms = elapsed_ms(started, cloned);
  {
    DatabaseSessions sessions(ctx.pg, scratch->params());
    for (size_t i = 0; i < plan.statements.size(); ++i) {
      const diff::Statement& statement = plan.statements[i];
      StatementRun run{statement.database, statement.sql, statement.transactional};
      // DROP DATABASE needs the database free of sessions, velo's too.
      if (statement.database.empty()) {
        for (auto it = sessions.open().begin(); it != sessions.open().end();) {
          it = it->first == "postgres" ? std::next(it) : sessions.open().erase(it);
        }
      }
      VELO_ASSIGN_OR_RETURN(pg::Session * session, sessions.get(statement.database));
      Status ran = statement.transactional ? run_measured(ctx, *session, run)
                                           : run_plain(ctx, *session, run);
      if (!ran.ok()) {
        return make_error(ErrorKind::Invalid,
                          "the rehearsal on a copy of {}'s data failed at statement {} of {} "
                          "({}): {}; {} is unchanged",
                          target_name, i + 1, plan.statements.size(), statement.sql,
                          ran.error().message, target_name);
      }
      note_hazards(statement, run, i, options, out);
      out.statements.push_back(std::move(run));
    }
  }
  auto ran = ctx.clock.monotonic();
  out.run_ms = elapsed_ms(cloned, ran);
  timings::Scope check_span("check");
  VELO_ASSIGN_OR_RETURN(auto result, diff::read_cluster(ctx.pg, scratch->params()));
  auto left = diff::diff(expected, result);
  out.check_ms = elapsed_ms(ran, ctx.clock.monotonic());
  if (!left.empty()) {
    return make_error(ErrorKind::Conflict,
                      "the rehearsal's result differs from the expected merge ({}); nothing was "
                      "applied to {}",
                      diff::summarize(left), target_name);
  }
  return out;
}

nlohmann::json to_json(const Rehearsal& rehearsal) {
  nlohmann::json statements = nlohmann::json::array();
  for (const auto& run : rehearsal.statements) {
    statements.push_back({{"database", run.database},
                          {"sql", run.sql},
                          {"transactional", run.transactional},
                          {"ms", run.ms},
                          {"exclusive_locks", run.exclusive_locks},
                          {"rewritten", run.rewritten}});
  }
  nlohmann::json hazards = nlohmann::json::array();
  for (const auto& [index, hazard] : rehearsal.hazards) {
    hazards.push_back(
        {{"statement", index}, {"kind", diff::to_string(hazard.kind)}, {"reason", hazard.reason}});
  }
  return {{"clone_ms", rehearsal.clone_ms},
          {"run_ms", rehearsal.run_ms},
          {"check_ms", rehearsal.check_ms},
          {"statements", statements},
          {"hazards", hazards}};
}

}  // namespace velo::core
