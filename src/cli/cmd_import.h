// velo project create --from URL | --from-dump FILE, velo project unfollow,
// and the "follows" part of velo project show (core/import_*.h,
// core/follow_ops.h).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command_table.h"
#include "core/project/project_ops.h"

namespace velo::cli {

struct ImportFlags {
  std::string from;       // --from postgres://...
  std::string from_dump;  // --from-dump FILE
  bool follow = false;
  std::string slot;
  bool save_credentials = false;
  int jobs = 1;
  bool any() const { return !from.empty() || !from_dump.empty(); }
};

// Adds the import flags to `velo project create`.
void add_import_flags(CLI::App& create, ImportFlags& flags);
// `velo project create` with --from or --from-dump.
Status run_import(const GlobalOptions& global, const core::CreateProjectOptions& options,
                  const ImportFlags& flags);
// Refuses --follow, --slot, --jobs... without the flag they belong to.
Status check_import_flags(const ImportFlags& flags);

// The row of `velo project unfollow`.
CommandRow unfollow_command();

// What main follows (app::follow_json) as lines for people ("" when main
// follows nothing).
std::string follow_text(const nlohmann::json& follow);

}  // namespace velo::cli
