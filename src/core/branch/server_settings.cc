#include "core/branch/server_settings.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/cluster.h"
#include "core/locks.h"
#include "core/names.h"

namespace velo::core {
namespace {

// Settings velo writes itself, or that would move the server's files:
// an override could cut a branch off from velo or from its archive.
constexpr std::array kManaged = {"port",
                                 "listen_addresses",
                                 "unix_socket_directories",
                                 "cluster_name",
                                 "archive_mode",
                                 "archive_command",
                                 "archive_library",
                                 "archive_timeout",
                                 "restore_command",
                                 "data_directory",
                                 "config_file",
                                 "hba_file",
                                 "ident_file",
                                 "include",
                                 "include_dir",
                                 "include_if_exists",
                                 "wal_recycle",
                                 "wal_init_zero",
                                 "recovery_init_sync_method"};

// Hot standby refuses to replay WAL written with higher values of these
// (PostgreSQL's "insufficient parameter settings").
constexpr std::array kCheckedByRecovery = {"max_connections", "max_worker_processes",
                                           "max_wal_senders", "max_prepared_transactions",
                                           "max_locks_per_transaction"};

bool is_managed(const std::string& name) {
  return std::find(kManaged.begin(), kManaged.end(), name) != kManaged.end() ||
         name.rfind("recovery_target", 0) == 0 || name.rfind("primary_", 0) == 0;
}

bool checked_by_recovery(const std::string& name) {
  return std::find(kCheckedByRecovery.begin(), kCheckedByRecovery.end(), name) !=
         kCheckedByRecovery.end();
}

// A parameter name as postgresql.conf takes it: a letter or underscore,
// then letters, digits, underscores and dots (custom "ext.name" ones).
bool is_parameter_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

}  // namespace

const ServerSettings& idle_branch_defaults() {
  // Idle branches' PSS, with PostgreSQL's defaults and with these: 20 of
  // them 317 and 162 MiB (bench/run --quick), 100 of them 1.5 GiB and
  // 754 MiB (bench/run --many 100; bench/README.md, "Many branches").
  static const ServerSettings defaults = {
      {"shared_buffers", "32MB"},
      {"max_connections", "30"},
      {"max_worker_processes", "4"},
      {"autovacuum_max_workers", "2"},
      // No logical replication workers: a branch of a subscriber would
      // otherwise pull from the publisher through the slot main uses.
      {"max_logical_replication_workers", "0"},
  };
  return defaults;
}

Result<std::pair<std::string, std::string>> parse_setting(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos) {
    return make_error(ErrorKind::Invalid, "{}: expected NAME=VALUE", printable(text));
  }
  std::string name = text.substr(0, eq);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = text.substr(eq + 1);
  if (!is_parameter_name(name)) {
    return make_error(ErrorKind::Invalid, "{}: {} is not a PostgreSQL parameter name",
                      printable(text), printable(name));
  }
  if (is_managed(name)) {
    return make_error(ErrorKind::Invalid, "{}: velo sets {} itself", printable(text), name);
  }
  if (std::any_of(value.begin(), value.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return make_error(ErrorKind::Invalid, "{}: the value holds a control character",
                      printable(name));
  }
  return std::make_pair(name, value);
}

Result<ServerSettings> parse_settings(const std::vector<std::string>& pairs,
                                      const std::string& option, bool allow_removal) {
  ServerSettings out;
  for (const auto& text : pairs) {
    auto pair = parse_setting(text);
    if (!pair.ok()) return make_error(ErrorKind::Invalid, "{} {}", option, pair.error().message);
    if (pair->second.empty() && !allow_removal) {
      return make_error(ErrorKind::Invalid, "{} {}: give a value", option, printable(text));
    }
    out[pair->first] = pair->second;
  }
  return out;
}

pg::Settings branch_server_settings(const state::ProjectRecord& project,
                                    const state::BranchRecord& branch, bool recovering) {
  if (!branch.parent) return {};
  ServerSettings merged = idle_branch_defaults();
  for (const auto& [name, value] : project.branch_settings) merged[name] = value;
  for (const auto& [name, value] : branch.settings) merged[name] = value;
  pg::Settings out;
  for (const auto& [name, value] : merged) {
    if (recovering && checked_by_recovery(name)) continue;
    out.emplace_back(name, value);
  }
  return out;
}

Result<ServerSettings> set_project_branch_settings(Context& ctx, const std::string& project,
                                                   const ServerSettings& changes) {
  VELO_TRY(validate_name("project", project));
  VELO_ASSIGN_OR_RETURN(auto lock, lock_project(ctx, project));
  VELO_ASSIGN_OR_RETURN(auto record, load_project(ctx, project));
  ServerSettings settings = record.branch_settings;
  for (const auto& [name, value] : changes) {
    if (value.empty()) {
      settings.erase(name);
    } else {
      settings[name] = value;
    }
  }
  VELO_TRY(ctx.store.set_project_branch_settings(project, settings));
  return settings;
}

}  // namespace velo::core
