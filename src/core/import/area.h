// A cluster's velo-owned area inside its data directory, PGDATA/velo/
// (0700, owned by the server's user):
//   peer         a native cluster velo made with initdb: velo reaches its
//                superuser by peer authentication on admin_socket_dir, as
//                below, which saves a SCRAM login (about 10 ms) on every
//                connection of velo's own. Users still log in over TCP
//                with the branch's password. Clusters made before this
//                marker existed keep TCP. Carried into every branch.
//   admin        marks a cluster imported from another server. Its roles
//                are the source's, and a following main is read-only, so
//                velo cannot give it a role of its own: velo reaches the
//                bootstrap superuser (whose name the file holds) by peer
//                authentication on a unix socket in a private directory
//                (admin_socket_dir: 0700, the server's user), mapped in
//                pg_ident.conf from velo's and the server's OS users only.
//                Carried into every branch.
//   socket       docker runtime only: the server's unix socket directory
//                (a container cannot reach the host's /run/velo), reached
//                from the host through a symlink at admin_socket_dir(port).
//   follow.json  main only: main is a streaming standby of its source.
//   passfile     main only, with --save-credentials: the source password,
//                read through primary_conninfo's passfile= (0600).
// A branch clone drops follow.json and passfile (prepare_import_files),
// and its velo.conf is written without the standby settings.
#pragma once

#include <optional>
#include <string>

#include "core/cluster.h"
#include "pg/config_files.h"
#include "pg/conn_params.h"

namespace velo::core {

std::string import_area(const std::string& data_dir);
bool is_imported(const std::string& data_dir);
// Whether velo reaches the cluster's superuser on admin_socket_dir (peer
// or imported).
bool has_admin_socket(const std::string& data_dir);
// Where an imported cluster listening on `port` puts its unix socket.
std::string admin_socket_dir(int port);
// Unit tests only: their fake servers take the same ports in every test
// process, so each test keeps its socket directories in its own home.
void set_admin_socket_base(const std::string& base);
// Removes admin_socket_dir(port) once its server is stopped for good (a
// deleted branch): the symlink to a container's socket, or the native
// server's directory, which is empty then. Best effort: nothing else
// depends on it, and the next server on the port makes its own.
void remove_admin_socket(int port);

// Writes the admin marker, velo's pg_hba.conf (peer through the map
// "velo" on the socket, scram-sha-256 over TCP) and pg_ident.conf, and a
// postgresql.conf when the source kept its own elsewhere (Debian's /etc).
Status write_import_files(const std::string& data_dir, const std::string& superuser,
                          const std::string& server_os_user);

// Writes the peer marker, pg_hba.conf (peer through the map "velo" on the
// socket, scram-sha-256 over TCP) and pg_ident.conf of a cluster velo
// made with initdb.
Status write_peer_access(const std::string& data_dir, const std::string& superuser,
                         const std::string& server_os_user);

struct FollowConfig {
  std::string conninfo;  // primary_conninfo, never with a password
  std::string slot;      // primary_slot_name, "" for none
  std::string source;    // the source URL, redacted, for `project show`
};

Result<std::optional<FollowConfig>> read_follow(const std::string& data_dir);
Status write_follow(const std::string& data_dir, const FollowConfig& follow);
// The passfile line for host:port:*:user:password (libpq's format, with
// ':' and '\' escaped), 0600, owned like the data directory.
Status write_passfile(const std::string& data_dir, const pg::ConnParams& source);
std::string passfile_path(const std::string& data_dir);
// Removes follow.json and the passfile (a branch, or main after unfollow).
Status remove_follow(const std::string& data_dir);

// Hooks of core/cluster.cc, no-ops for clusters velo made with initdb:
// velo.conf settings (the socket, auth files, and for a following main
// primary_conninfo, primary_slot_name, hot_standby)...
void add_import_settings(const BranchHandle& handle, pg::Settings& settings);
// ...the files (socket directory, standby.signal for a following main;
// follow files dropped from branches)...
Status prepare_import_files(const BranchHandle& handle);
// ...and velo's connection, through the socket: always for a peer cluster;
// for an imported one when velo has no password to log in with (a
// following main; a fresh import or clone before velo sets the branch's
// own).
void use_admin_socket(const BranchHandle& handle, pg::ConnParams& params);

}  // namespace velo::core
