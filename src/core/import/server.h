// velo project create NAME --from URL [--follow [--slot S] [--save-credentials]]:
// a project whose main is a physical copy of a running server, made with
// pg_basebackup, and optionally kept as its streaming standby.
//
// velo's access: the copy's roles are the source's, and a following main
// is read-only, so velo creates no role in it. It reaches the bootstrap
// superuser by peer authentication on a private unix socket (see
// core/import_area.h); a copy that is not a standby gets the project's
// generated password set on that superuser, so `velo branch url` works
// as for any project. Branches always get their own password.
//
// Credentials of the source: from the URL, PGPASSWORD, PGPASSFILE or
// ~/.pgpass, as libpq finds them for the user running velo. They reach
// pg_basebackup through its environment, never argv, and are not kept.
// A following main's walreceiver needs them later too: with
// --save-credentials velo writes them to PGDATA/velo/passfile (0600, the
// server's user) and names it in primary_conninfo; without, the server's
// OS user must find them itself (its ~/.pgpass).
#pragma once

#include <cstdint>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "core/import/progress.h"
#include "core/project/project_ops.h"

namespace velo::core {

struct ImportServerOptions {
  CreateProjectOptions project;  // name, version, runtime (docker: no --follow), image
  std::string source_url;
  bool follow = false;
  std::string slot;  // --slot: created on the source by pg_basebackup
  bool save_credentials = false;
  ProgressSink* progress = nullptr;
};

// Checks what can be checked before anything is made (names, flags).
// --follow needs the native runtime: a container would stream from the
// source's address as the container sees it (127.0.0.1 is itself).
Status validate_import_server(const ImportServerOptions& options);

Result<BranchHandle> create_project_from_server(Context& ctx, const ImportServerOptions& options);

}  // namespace velo::core
