// velo project create NAME --from-dump FILE [--jobs N]: a new project
// whose main gets a pg_dump archive restored into it.
//
// Formats: a directory holding toc.dat (pg_dump -Fd) and a file starting
// with "PGDMP" (-Fc) go through pg_restore (--jobs N in parallel) into a
// database named as in the dump (its "dbname" header), created when
// missing. Anything else is read as plain SQL by psql against database
// postgres (a dump made with --create, or by pg_dumpall, creates and
// connects to its own databases), stopping at the first error.
// Ownership and privileges are kept: the roles the dump names that the
// new cluster lacks are created first, NOLOGIN (core/import_roles.h).
// The restore is a step of the project's create (core/project/project_ops.h):
// one that fails, or velo killed midway, leaves no project behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/context.h"
#include "core/import/progress.h"
#include "core/project/project_ops.h"

namespace velo::core {

enum class DumpFormat { Custom, Directory, Plain };
const char* to_string(DumpFormat format);

// NotFound for a missing path, Invalid for a directory without toc.dat.
Result<DumpFormat> detect_dump_format(const std::string& path);
// The database a custom or directory archive was made from, from
// `pg_restore --list` output ("; dbname: NAME"); nullopt if absent.
std::optional<std::string> dump_database_name(const std::string& listing);

struct ImportDumpOptions {
  CreateProjectOptions project;
  std::string dump_path;
  int jobs = 1;
  ProgressSink* progress = nullptr;
};

Status validate_import_dump(const ImportDumpOptions& options);

struct DumpImport {
  BranchHandle handle;
  std::vector<std::string> created_roles;  // NOLOGIN roles made for the dump
};

Result<DumpImport> create_project_from_dump(Context& ctx, const ImportDumpOptions& options);

}  // namespace velo::core
