#include "core/project/doctor.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <set>
#include <tuple>

#include "core/branch/inspect.h"
#include "core/project/maintain_check.h"
#include "core/project/orphans.h"
#include "core/project/server_binaries.h"
#include "core/project/velo_binary_check.h"
#include "core/space/pool.h"

namespace velo::core {
namespace {

Finding check_mode(const std::string& what, const std::string& path, mode_t wanted) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {what, "fail", path + " is missing"};
  mode_t mode = st.st_mode & 0777;
  if ((mode & ~wanted) != 0) {
    return {what, "fail",
            fmt::format("{} is mode {:o}; expected {:o} (it holds secrets)", path, mode, wanted)};
  }
  return {what, "ok", fmt::format("{} mode {:o}", path, mode)};
}

Finding from_status(const std::string& what, const Status& status, const std::string& ok_detail) {
  if (status.ok()) return {what, "ok", ok_detail};
  return {what, "fail", status.error().message};
}

}  // namespace

std::vector<Finding> run_doctor(Context& ctx) {
  std::vector<Finding> findings;
  findings.push_back(check_mode("home", ctx.home, 0700));
  findings.push_back(check_mode("state", ctx.home + "/state.db", 0600));
  findings.push_back(from_status("storage", ctx.driver.check(),
                                 fmt::format("{} driver ready", ctx.driver.name())));
  findings.push_back(check_pool(ctx));

  // Each runtime, version and image the projects use (native 15 always:
  // a new project's default).
  auto projects = ctx.store.projects();
  std::set<std::tuple<std::string, std::string, std::string>> runtimes{{"native", "15", ""}};
  if (projects.ok()) {
    for (const auto& p : *projects) {
      runtimes.insert({p.runtime, p.pg_version, p.runtime == "docker" ? p.image : ""});
    }
  }
  for (const auto& [kind, version, image] : runtimes) {
    auto runtime = ctx.runtimes.get(kind);
    Status status = runtime.ok() ? (*runtime)->check(version, image) : Status(runtime.error());
    std::string what = image.empty() ? fmt::format("runtime {} (PostgreSQL {})", kind, version)
                                     : fmt::format("runtime {} ({})", kind, image);
    findings.push_back(from_status(
        what, status, kind == "docker" ? "engine answers, image present" : "binaries present"));
  }

  auto branches = describe_branches(ctx, std::nullopt, kNoSpace);
  if (!branches.ok()) {
    findings.push_back({"branches", "fail", branches.error().message});
  } else {
    for (const auto& b : *branches) {
      if (b.status == "missing") {
        findings.push_back({"branch " + b.project + "/" + b.branch, "fail",
                            "its data directory is missing: " + b.data_dir +
                                " (velo branch delete removes the record)"});
      } else if (b.status == "crashed") {
        findings.push_back({"branch " + b.project + "/" + b.branch, "warn",
                            fmt::format("should be running, but no server runs (velo branch start "
                                        "{}/{}, or velo start --all for every such branch)",
                                        b.project, b.branch)});
      }
    }
    const size_t n = branches->size();
    findings.push_back(
        {"branches", "ok", fmt::format("{} {} indexed", n, n == 1 ? "branch" : "branches")});
    for (Finding& f : check_server_binaries(*branches)) findings.push_back(std::move(f));
    for (Finding& f : check_velo_binaries(*branches)) findings.push_back(std::move(f));
  }

  auto orphans = find_orphans(ctx);
  if (!orphans.ok()) {
    findings.push_back({"orphans", "fail", orphans.error().message});
  } else if (orphans->empty()) {
    findings.push_back({"orphans", "ok", "none"});
  } else {
    for (const auto& o : *orphans) {
      findings.push_back(
          {"orphan " + o.kind, "warn", o.what + ": " + o.detail + " (velo gc removes it)"});
    }
  }
  findings.push_back(check_maintenance(ctx, SystemdHost::from_environment()));
  return findings;
}

}  // namespace velo::core
