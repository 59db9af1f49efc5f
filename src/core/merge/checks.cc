#include "core/merge/checks.h"

#include <fmt/format.h>

#include "core/merge/sessions.h"
#include "util/fs.h"

namespace velo::core {

Result<BranchHandle> merge_target(Context& ctx, const BranchHandle& source,
                                  const std::optional<BranchName>& into) {
  const std::string& project = source.project.name;
  const std::string full = project + "/" + source.branch.name;
  if (into && into->branch == source.branch.name) {
    return make_error(ErrorKind::Invalid, "cannot merge {} into itself", full);
  }
  if (!source.branch.parent) {
    return make_error(ErrorKind::Invalid, "{} has no parent to merge into", full);
  }
  const std::string wanted = into ? into->branch : *source.branch.parent;
  // Walk up from the parent: the target must be on the way.
  std::optional<std::string> ancestor = source.branch.parent;
  while (ancestor && *ancestor != wanted) {
    VELO_ASSIGN_OR_RETURN(auto record, ctx.store.branch(project, *ancestor));
    ancestor = record ? record->parent : std::nullopt;
  }
  if (!ancestor) {
    VELO_ASSIGN_OR_RETURN(auto exists, ctx.store.branch(project, wanted));
    if (!exists) return make_error(ErrorKind::NotFound, "no branch named '{}/{}'", project, wanted);
    return make_error(ErrorKind::Invalid,
                      "{}/{} is not an ancestor of {}: a branch merges into its parent, or with "
                      "--into into one of its parent's ancestors",
                      project, wanted, full);
  }
  return load_branch(ctx, project, wanted);
}

Status check_target(BranchHandle& target) {
  const std::string full = target.project.name + "/" + target.branch.name;
  VELO_ASSIGN_OR_RETURN(bool running, is_running(target));
  if (!running) {
    return make_error(ErrorKind::Invalid,
                      "{} is stopped: start it with 'velo branch start {}' and merge again", full,
                      full);
  }
  // A following main: standby.signal, which promotion removes. Not
  // postmaster.pid's status, which says "ready" for a hot standby too.
  if (path_exists(target.spec.data_dir + "/standby.signal")) {
    return make_error(ErrorKind::Invalid,
                      "{} follows its source server (a read-only standby): 'velo project "
                      "unfollow {}' before merging into it",
                      full, target.project.name);
  }
  return Status::Ok();
}

Status check_compatible(const diff::ClusterSchema& ours, const diff::ClusterSchema& theirs,
                        const std::string& target) {
  for (const auto& [name, db] : ours.databases) {
    auto it = theirs.databases.find(name);
    if (it == theirs.databases.end()) continue;
    const diff::DatabaseSchema& other = it->second;
    if (db.encoding != other.encoding || db.collation_provider != other.collation_provider) {
      return make_error(ErrorKind::Invalid,
                        "database {} is {} with {} collations here but {} with {} on {}: a "
                        "schema merge does not convert between them",
                        name, db.encoding, db.collation_provider, other.encoding,
                        other.collation_provider, target);
    }
  }
  return Status::Ok();
}

Result<std::vector<RowNotice>> changed_rows(Context& ctx, BranchHandle& source,
                                            const diff::ClusterSchema& theirs) {
  std::vector<RowNotice> out;
  DatabaseSessions sessions(ctx.pg, conn_params(source));
  for (const auto& [name, db] : theirs.databases) {
    auto session = sessions.get(name);
    if (!session.ok()) continue;  // not in the source: dropped there
    VELO_ASSIGN_OR_RETURN(
        auto rows, (*session)->query("SELECT format('%I.%I', schemaname, relname), "
                                     "(n_tup_ins + n_tup_upd + n_tup_del)::text "
                                     "FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + "
                                     "n_tup_del > 0 ORDER BY 1"));
    for (const auto& row : rows) {
      if (db.find("table " + row[0]) == nullptr) continue;
      out.push_back({name, row[0], std::stoll(row[1])});
    }
    sessions.close(name);
  }
  return out;
}

}  // namespace velo::core
