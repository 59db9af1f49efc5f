// velo branch create | list | show | url | reset | delete | start | stop |
// restart | password
#include <fmt/format.h>

#include "cli/app.h"
#include "cli/output.h"
#include "core/branch/branch_ops.h"
#include "core/branch/inspect.h"

namespace velo::cli {
namespace {

struct BranchArgs {
  std::string name;
  std::string parent;
  bool no_start = false;
  bool no_archive = false;
  std::string at;   // --at TIME
  std::string lsn;  // --lsn LSN
  std::string listen = core::kDefaultListenAddress;
  bool force = false;
  bool no_password = false;
};

void print_branch(const Invocation& invocation, const core::BranchInfo& info,
                  std::optional<int64_t> elapsed_ms, const std::string& verb) {
  if (invocation.global.json) {
    auto json = branch_json(info);
    if (elapsed_ms) json["elapsed_ms"] = *elapsed_ms;
    print_json(json);
    return;
  }
  if (!verb.empty()) {
    fmt::print("{} {}/{}", verb, info.project, info.branch);
    if (elapsed_ms) fmt::print(" in {} ms", *elapsed_ms);
    fmt::print("\n");
  }
  fmt::print(
      "  status   {}\n  parent   {}\n  port     {}\n  url      {}\n  created  {}\n"
      "  storage  {}\n",
      info.status, info.parent ? info.project + "/" + *info.parent : "-", info.port, info.url,
      info.created_at, info.storage);
  if (info.used_bytes) fmt::print("  used     {}\n", human_bytes(*info.used_bytes));
}

Status branch_create(Invocation& invocation, const BranchArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  core::CreateBranchOptions options{name, std::nullopt, !args.no_start};
  if (!args.parent.empty()) {
    VELO_ASSIGN_OR_RETURN(options.parent, core::parse_branch_name(args.parent));
  }
  options.archive = !args.no_archive;
  options.listen_address = args.listen;
  if (!args.at.empty()) options.target = core::TargetSpec{core::TargetSpec::Kind::Time, args.at};
  if (!args.lsn.empty()) options.target = core::TargetSpec{core::TargetSpec::Kind::Lsn, args.lsn};
  VELO_OPEN_ENV(env, invocation);
  auto& ctx = env->ctx();
  auto started = ctx.clock.monotonic();
  VELO_ASSIGN_OR_RETURN(auto handle, core::create_branch(ctx, options));
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  print_branch(invocation, core::describe_branch(ctx, handle, false), elapsed.count(), "created");
  return Status::Ok();
}

Status branch_list(Invocation& invocation, const std::optional<std::string>& project) {
  if (project) VELO_TRY(core::validate_name("project", *project));
  VELO_OPEN_ENV(env, invocation);
  VELO_ASSIGN_OR_RETURN(auto branches,
                        core::describe_branches(env->ctx(), project, invocation.global.json));
  if (invocation.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : branches) list.push_back(branch_json(b));
    print_json(list);
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : branches) {
    rows.push_back({b.project + "/" + b.branch, b.parent ? b.project + "/" + *b.parent : "-",
                    b.status, std::to_string(b.port), b.created_at});
  }
  print_table({"BRANCH", "PARENT", "STATUS", "PORT", "CREATED"}, rows);
  return Status::Ok();
}

Status branch_show(Invocation& invocation, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, invocation);
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env->ctx(), name.project, name.branch));
  print_branch(invocation, core::describe_branch(env->ctx(), handle, true), std::nullopt, "");
  return Status::Ok();
}

Status branch_url(Invocation& invocation, const BranchArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  VELO_OPEN_ENV(env, invocation);
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(env->ctx(), name.project, name.branch));
  pg::ConnParams params = core::conn_params(handle);
  std::string url = pg::to_url(params, !args.no_password);
  if (invocation.global.json) {
    nlohmann::json json = {{"name", name.full()}, {"url", url},          {"host", params.host},
                           {"port", params.port}, {"user", params.user}, {"dbname", params.dbname}};
    if (!args.no_password) json["password"] = params.password;
    print_json(json);
  } else
    fmt::print("{}\n", url);
  return Status::Ok();
}

Status branch_reset(Invocation& invocation, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, invocation);
  auto& ctx = env->ctx();
  auto started = ctx.clock.monotonic();
  VELO_ASSIGN_OR_RETURN(auto handle, core::reset_branch(ctx, name));
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - started);
  print_branch(invocation, core::describe_branch(ctx, handle, false), elapsed.count(), "reset");
  return Status::Ok();
}

using BranchAction = std::function<Status(core::Context&, const core::BranchName&)>;

// delete, start, stop, restart: act, then say so.
Status simple_action(Invocation& invocation, const std::string& text, const std::string& verb,
                     const BranchAction& act) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, invocation);
  VELO_TRY(act(env->ctx(), name));
  if (invocation.global.json)
    print_json({{"name", name.full()}, {"result", verb}});
  else
    fmt::print("{} {}\n", verb, name.full());
  return Status::Ok();
}

Status branch_password(Invocation& invocation, const std::string& text) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(text));
  VELO_OPEN_ENV(env, invocation);
  VELO_ASSIGN_OR_RETURN(auto password, core::rotate_password(env->ctx(), name));
  (void)password;  // shown only through `velo branch url`, never echoed into logs
  if (invocation.global.json)
    print_json({{"name", name.full()}, {"result", "password changed"}});
  else
    fmt::print("new password set for {}: see velo branch url {}\n", name.full(), name.full());
  return Status::Ok();
}

CLI::App* add(CLI::App* parent, const char* name, const char* help, BranchArgs& args) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("branch", args.name, "PROJECT/BRANCH")->required();
  return cmd;
}

}  // namespace

void add_branch_commands(CLI::App& app, Invocation& invocation) {
  CLI::App* branch = app.add_subcommand("branch", "create, inspect, reset and delete branches");
  branch->require_subcommand(1);
  auto args = std::make_shared<BranchArgs>();
  auto on = [&invocation, args](CLI::App* cmd,
                                std::function<Status(Invocation&, BranchArgs&)> run) {
    cmd->callback([&invocation, args, run] {
      invocation.action = [&invocation, args, run] { return run(invocation, *args); };
    });
  };

  CLI::App* cmd =
      add(branch, "create", "create a branch: a running copy-on-write clone of its parent", *args);
  cmd->add_option("--parent", args->parent, "PROJECT/BRANCH to branch from (default PROJECT/main)");
  cmd->add_flag("--no-start", args->no_start, "leave the new branch stopped");
  cmd->add_option("--listen", args->listen,
                  "accept connections on ADDRESS instead of 127.0.0.1 (0.0.0.0 or * for every "
                  "interface; the password is still required)");
  cmd->add_flag("--no-archive", args->no_archive,
                "do not archive the branch's WAL (no point-in-time branches from it)");
  auto* at = cmd->add_option("--at", args->at,
                             "branch from the parent as it was at TIME: RFC 3339 with a zone "
                             "(2026-11-24T10:00:00Z) or relative (\"5 minutes ago\")");
  cmd->add_option("--lsn", args->lsn, "branch from the parent as it was at WAL position LSN")
      ->excludes(at);
  on(cmd, [](Invocation& i, BranchArgs& a) { return branch_create(i, a); });

  cmd = branch->add_subcommand("list", "list branches with their real state");
  CLI::Option* project = cmd->add_option("project", args->name, "only this project");
  on(cmd, [project](Invocation& i, BranchArgs& a) {
    // Given but empty is a bad name, not "all projects".
    return branch_list(i, project->count() > 0 ? std::optional<std::string>(a.name) : std::nullopt);
  });

  on(add(branch, "show", "show one branch", *args),
     [](Invocation& i, BranchArgs& a) { return branch_show(i, a.name); });
  cmd = add(branch, "url", "print the branch's postgres:// URL (with its password)", *args);
  cmd->add_flag("--no-password", args->no_password, "leave the password out");
  on(cmd, [](Invocation& i, BranchArgs& a) { return branch_url(i, a); });
  on(add(branch, "reset", "bring the branch back to its parent's current state", *args),
     [](Invocation& i, BranchArgs& a) { return branch_reset(i, a.name); });
  cmd = add(branch, "delete", "delete a branch and its data", *args);
  cmd->add_flag("--force", args->force, "also delete its child branches");
  on(cmd, [](Invocation& i, BranchArgs& a) {
    bool force = a.force;
    return simple_action(i, a.name, "deleted",
                         [force](core::Context& c, const core::BranchName& n) {
                           return core::delete_branch(c, n, force);
                         });
  });
  on(add(branch, "start", "start the branch's server", *args), [](Invocation& i, BranchArgs& a) {
    return simple_action(i, a.name, "started", core::start_branch);
  });
  on(add(branch, "stop", "stop the branch's server", *args), [](Invocation& i, BranchArgs& a) {
    return simple_action(i, a.name, "stopped", core::stop_branch);
  });
  on(add(branch, "restart", "restart the branch's server", *args),
     [](Invocation& i, BranchArgs& a) {
       return simple_action(i, a.name, "restarted", core::restart_branch);
     });
  on(add(branch, "password", "give the branch a new generated password", *args),
     [](Invocation& i, BranchArgs& a) { return branch_password(i, a.name); });
}

}  // namespace velo::cli
