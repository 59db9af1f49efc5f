// The PostgreSQL settings of branch servers. main keeps what its data
// directory holds; every other branch gets settings sized for a copy that
// few clients use (idle_branch_defaults(): an idle branch then takes half
// the memory), which the project's --branch-setting and the branch's own
// --setting override, in that order. They go into velo.conf at every
// prepare (create, reset, restore); ALTER SYSTEM on the branch still wins.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/context.h"
#include "pg/config_files.h"
#include "state/records.h"
#include "util/result.h"

namespace velo::core {

using ServerSettings = state::ServerSettings;

// What a branch server gets unless told otherwise.
const ServerSettings& idle_branch_defaults();

// "NAME=VALUE" from --setting or --branch-setting: NAME a PostgreSQL
// parameter name (lowercased), VALUE one line. An empty VALUE means "drop
// this override" (project set). Invalid for a malformed pair and for the
// settings velo manages itself (port, listen_addresses, archive and
// recovery settings, file locations).
Result<std::pair<std::string, std::string>> parse_setting(const std::string& text);

// Every pair of a repeated option; `option` names it in errors. An empty
// VALUE is refused unless `allow_removal`.
Result<ServerSettings> parse_settings(const std::vector<std::string>& pairs,
                                      const std::string& option, bool allow_removal);

// The settings velo.conf gives this branch: none for a project's root
// (main); else the defaults, the project's, then the branch's. While a
// point-in-time branch replays WAL (`recovering`), the limits that hot
// standby checks against the WAL's (max_connections and the like) keep the
// values of the parent's configuration, or recovery would stop; they take
// effect from the branch's next start.
pg::Settings branch_server_settings(const state::ProjectRecord& project,
                                    const state::BranchRecord& branch, bool recovering);

// velo project set --branch-setting: merges `changes` into the project's
// branch settings (an empty value removes one) and returns them. New
// branches and resets take them. Takes the project lock.
Result<ServerSettings> set_project_branch_settings(Context& ctx, const std::string& project,
                                                   const ServerSettings& changes);

}  // namespace velo::core
