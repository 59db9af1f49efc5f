// The files velo writes into a data directory. velo never rewrites the
// user's postgresql.conf settings nor postgresql.auto.conf: its own
// settings live in PGDATA/velo.conf, which postgresql.conf includes once.
// (postgresql.auto.conf is read last, so the user's ALTER SYSTEM wins.)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace velo::pg {

using Settings = std::vector<std::pair<std::string, std::string>>;

// Writes PGDATA/velo.conf (0600) with the settings, values quoted as
// PostgreSQL expects. Replaces any previous velo.conf atomically.
Status write_velo_conf(const std::string& data_dir, const Settings& settings);

// Appends "include_if_exists = 'velo.conf'" to postgresql.conf unless
// present. Idempotent.
Status ensure_velo_include(const std::string& data_dir);

// Writes pg_hba.conf: scram-sha-256 for every TCP connection, local socket
// connections refused unless by the server's own OS user (peer).
Status write_hba(const std::string& data_dir);

// Removes what a clone must not keep from its parent: postmaster.pid,
// postmaster.opts, standby.signal, recovery.signal, backup_label.old.
Status remove_clone_leftovers(const std::string& data_dir);

// Quotes a value for a postgresql.conf line ('...' with '' for ').
std::string quote_setting(const std::string& value);

// The value of the last `name = '...'` line of a file velo wrote
// (velo.conf), unquoted; nullopt when no line sets it.
std::optional<std::string> read_setting(const std::string& conf_text, const std::string& name);

}  // namespace velo::pg
