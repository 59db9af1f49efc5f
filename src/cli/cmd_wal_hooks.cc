// velo wal-archive SRC DEST_DIR NAME and velo wal-restore ARCHIVE_DIR NAME
// DEST: hidden commands that the server runs as its archive_command and
// restore_command (see runtime/native_runtime.cc). They run as the
// server's OS user and touch no velo home.
#include <cstdlib>

#include "cli/app.h"
#include "core/history/wal_copy.h"

namespace velo::cli {
namespace {

struct HookArgs {
  std::string first;
  std::string second;
  std::string third;
};

}  // namespace

void add_wal_hook_commands(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<HookArgs>();
  CLI::App* cmd = app.add_subcommand("wal-archive", "archive_command: copy a WAL file durably");
  cmd->group("");  // hidden: for the server, not for people
  cmd->add_option("source", args->first, "%p")->required();
  cmd->add_option("dest_dir", args->second, "the archive")->required();
  cmd->add_option("name", args->third, "%f")->required();
  cmd->callback([&invocation, args] {
    invocation.action = [args] {
      return core::archive_wal_file(args->first, args->second, args->third);
    };
  });

  cmd = app.add_subcommand("wal-restore", "restore_command: copy a WAL file out of an archive");
  cmd->group("");
  cmd->add_option("archive_dir", args->first, "the archive")->required();
  cmd->add_option("name", args->second, "%f")->required();
  cmd->add_option("dest", args->third, "%p")->required();
  cmd->callback([&invocation, args] {
    invocation.action = [args]() -> Status {
      Status restored = core::restore_wal_file(args->first, args->second, args->third);
      // The server asks for files that do not exist yet (the next
      // timeline's history, the segment after the last): a quiet "no".
      if (!restored.ok() && restored.error().kind == ErrorKind::NotFound) std::exit(1);
      return restored;
    };
  });
}

}  // namespace velo::cli
