// velo logs PROJECT/BRANCH [-f] [--lines N]
#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>

#include "cli/cmd_connect.h"
#include "core/branch/logs.h"
#include "core/names.h"
#include "util/interrupt.h"

namespace velo::cli {
namespace {

struct LogsArgs {
  std::string name;
  bool follow = false;
  int lines = 100;
};

void write_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

Status logs_run(const GlobalOptions& global, const LogsArgs& args) {
  VELO_ASSIGN_OR_RETURN(auto name, core::parse_branch_name(args.name));
  if (args.lines < 0) {
    return make_error(ErrorKind::Invalid, "invalid --lines {}: expected 0 or more", args.lines);
  }
  if (global.json) {
    return make_error(ErrorKind::Invalid, "velo logs prints the log itself: no --json");
  }
  VELO_OPEN_ENV(env, global);
  auto& ctx = env->ctx();
  VELO_ASSIGN_OR_RETURN(auto handle, core::load_branch(ctx, name.project, name.branch));
  const std::string path = core::branch_log_location(handle);
  if (args.follow && path.empty()) {
    return make_error(ErrorKind::Invalid,
                      "{}'s log is in its container, not in a file velo can follow: use "
                      "velo logs without -f, or docker logs -f",
                      name.full());
  }
  // Followed from where the tail ends (a line written in between may show twice).
  struct stat st {};
  uint64_t end = !path.empty() && ::stat(path.c_str(), &st) == 0 ? st.st_size : 0;
  auto tail = core::read_log_tail(handle, args.lines);
  if (!tail.ok() && !(args.follow && tail.error().kind == ErrorKind::NotFound)) {
    return tail.error();
  }
  if (tail.ok()) write_out(*tail);
  if (!args.follow) return Status::Ok();
  // Until SIGINT, which ends velo at once (util/interrupt.h) or, were a
  // deferral in force, is seen here; a restart's new lines and a log
  // written anew are followed too.
  VELO_TRY(core::follow_file(path, end, ctx.clock, write_out,
                             [] { return interrupt::received() != 0; }));
  return interrupt::check();
}

}  // namespace

CommandRow logs_command() {
  return command<LogsArgs>(
      {"logs"}, "print a branch's server log (the last 100 lines; -f follows it)",
      [](CLI::App& cmd, LogsArgs& args) {
        cmd.add_option("branch", args.name, "PROJECT/BRANCH")->required();
        cmd.add_flag("-f,--follow", args.follow,
                     "keep printing what the server logs, across restarts, until Ctrl-C");
        cmd.add_option("-n,--lines", args.lines, "how many of the last lines (default 100)");
      },
      logs_run);
}

}  // namespace velo::cli
