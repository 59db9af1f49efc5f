// velo wal-archive SRC DEST_DIR NAME and velo wal-restore ARCHIVE_DIR NAME
// DEST: hidden commands that the server runs as its archive_command and
// restore_command (see runtime/native_runtime.cc). They run as the
// server's OS user and touch no velo home.
#include <cstdlib>

#include "cli/command_table.h"
#include "core/history/wal_copy.h"

namespace velo::cli {
namespace {

struct HookArgs {
  std::string first;
  std::string second;
  std::string third;
};

void declare_archive(CLI::App& cmd, HookArgs& args) {
  cmd.add_option("source", args.first, "%p")->required();
  cmd.add_option("dest_dir", args.second, "the archive")->required();
  cmd.add_option("name", args.third, "%f")->required();
}

Status archive(const GlobalOptions&, const HookArgs& args) {
  return core::archive_wal_file(args.first, args.second, args.third);
}

void declare_restore(CLI::App& cmd, HookArgs& args) {
  cmd.add_option("archive_dir", args.first, "the archive")->required();
  cmd.add_option("name", args.second, "%f")->required();
  cmd.add_option("dest", args.third, "%p")->required();
}

Status restore(const GlobalOptions&, const HookArgs& args) {
  Status restored = core::restore_wal_file(args.first, args.second, args.third);
  // The server asks for files that do not exist yet (the next
  // timeline's history, the segment after the last): a quiet "no".
  if (!restored.ok() && restored.error().kind == ErrorKind::NotFound) std::exit(1);
  return restored;
}

}  // namespace

CommandTable wal_hook_commands() {
  CommandTable rows = {
      command<HookArgs>({"wal-archive"}, "archive_command: copy a WAL file durably",
                        declare_archive, archive),
      command<HookArgs>({"wal-restore"}, "restore_command: copy a WAL file out of an archive",
                        declare_restore, restore),
  };
  for (CommandRow& row : rows) row.hidden = true;
  return rows;
}

}  // namespace velo::cli
