#include "core/import/area.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "runtime/docker_runtime.h"
#include "util/fs.h"
#include "util/os_error.h"
#include "util/os_user.h"

namespace velo::core {
namespace {

constexpr char kAdmin[] = "/admin";
constexpr char kPeer[] = "/peer";
constexpr char kFollow[] = "/follow.json";
constexpr char kSocket[] = "/socket";

struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<Owner> owner_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return os_error(errno, "stat " + path);
  return Owner{st.st_uid, st.st_gid};
}

// Files in PGDATA belong to the data directory's owner (the server's
// user), whoever velo runs as.
Status write_owned(const std::string& data_dir, const std::string& path,
                   const std::string& content) {
  VELO_ASSIGN_OR_RETURN(Owner owner, owner_of(data_dir));
  return write_file_atomic(path, content, 0600, owner.uid, owner.gid);
}

Status make_area(const std::string& data_dir) {
  VELO_ASSIGN_OR_RETURN(Owner owner, owner_of(data_dir));
  std::string area = import_area(data_dir);
  if (::mkdir(area.c_str(), 0700) != 0 && errno != EEXIST) return os_error(errno, "mkdir " + area);
  if (::chown(area.c_str(), owner.uid, owner.gid) != 0) return os_error(errno, "chown " + area);
  return Status::Ok();
}

// Makes `dir` (and its parent) for the server's socket: the directory is
// the server user's alone, so only that user and root reach the socket.
Status make_socket_dir(const std::string& dir, const Owner& owner) {
  std::string parent = dir.substr(0, dir.find_last_of('/'));
  VELO_TRY(make_dirs(parent, 0755));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return os_error(errno, "mkdir " + dir);
  if (::chown(dir.c_str(), owner.uid, owner.gid) != 0) return os_error(errno, "chown " + dir);
  if (::chmod(dir.c_str(), 0700) != 0) return os_error(errno, "chmod " + dir);
  return Status::Ok();
}

// The socket directory of a server about to start, with what a server
// that crashed left in it: its lock file names a pid that may live on as
// a zombie, and postgres would refuse to start beside it. Called where
// velo already knows the server is down (prepare, like postmaster.pid).
Status make_clean_socket_dir(const std::string& dir, int port, const Owner& owner) {
  VELO_TRY(make_socket_dir(dir, owner));
  const std::string socket = dir + "/.s.PGSQL." + std::to_string(port);
  for (const std::string& stale : {socket, socket + ".lock"}) {
    if (::unlink(stale.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + stale);
  }
  return Status::Ok();
}

// libpq's passfile escapes ':' and '\' inside a field.
std::string passfile_field(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// velo's pg_hba.conf (peer through the map "velo" on the private socket,
// scram-sha-256 over TCP) and pg_ident.conf's map "velo": velo's OS user
// and the server's may act as the superuser on the socket. `what` names
// the cluster in the files' first line.
Status write_peer_files(const std::string& data_dir, const std::string& what,
                        const std::string& superuser, const std::string& server_os_user) {
  // "all" in the address column matches IPv4 and IPv6 alike; which
  // interfaces are reachable at all is decided by listen_addresses.
  const std::string hba = "# Written by velo for " + what +
                          ".\n"
                          "# velo's own connections: peer on a private socket, mapped below.\n"
                          "# TYPE  DATABASE     USER  ADDRESS  METHOD\n"
                          "local   all          all            peer map=velo\n"
                          "host    all          all   all      scram-sha-256\n"
                          "host    replication  all   all      scram-sha-256\n";
  VELO_TRY(write_owned(data_dir, data_dir + "/pg_hba.conf", hba));
  std::string ident = "# Written by velo: the OS users that may act as the superuser.\n";
  ident += "velo  " + current_user().name + "  " + superuser + "\n";
  if (server_os_user != current_user().name) {
    ident += "velo  " + server_os_user + "  " + superuser + "\n";
  }
  return write_owned(data_dir, data_dir + "/pg_ident.conf", ident);
}

bool is_root_branch(const BranchHandle& handle) { return !handle.branch.parent.has_value(); }

// A container sees its data directory at DockerRuntime::kDataDir, listens
// on 5432 inside (DockerRuntime::server_settings), and cannot reach the
// host's /run/velo: its socket lives in PGDATA/velo/socket instead.
constexpr int kContainerPort = 5432;

bool in_container(const BranchHandle& handle) {
  return handle.runtime != nullptr && handle.runtime->name() == "docker";
}

// `file` in the data directory, as the server names it.
std::string server_path(const BranchHandle& handle, const std::string& file) {
  return (in_container(handle) ? std::string(runtime::DockerRuntime::kDataDir)
                               : handle.spec.data_dir) +
         file;
}

// The host reaches a container's socket through a symlink at
// admin_socket_dir(port): short, where a data directory's path may be
// longer than a socket path may be (107 bytes).
Status link_container_socket(const BranchHandle& handle, const Owner& owner) {
  std::string dir = import_area(handle.spec.data_dir) + kSocket;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return os_error(errno, "mkdir " + dir);
  if (::chown(dir.c_str(), owner.uid, owner.gid) != 0) return os_error(errno, "chown " + dir);
  // A clone carries its parent's socket and lock file: the server makes its own.
  const std::string socket = dir + "/.s.PGSQL." + std::to_string(kContainerPort);
  for (const std::string& stale : {socket, socket + ".lock"}) {
    if (::unlink(stale.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + stale);
  }
  std::string link = admin_socket_dir(handle.spec.port);
  VELO_TRY(make_dirs(link.substr(0, link.find_last_of('/')), 0755));
  // Whatever an earlier server on this port left: a link, or an empty
  // directory (a native server's, which is removed only when empty).
  if (::unlink(link.c_str()) != 0 && errno != ENOENT && errno != EISDIR) {
    return os_error(errno, "remove " + link);
  }
  ::rmdir(link.c_str());
  if (::symlink(dir.c_str(), link.c_str()) != 0) return os_error(errno, "symlink " + link);
  return Status::Ok();
}

}  // namespace

std::string import_area(const std::string& data_dir) { return data_dir + "/velo"; }

bool is_imported(const std::string& data_dir) {
  return path_exists(import_area(data_dir) + kAdmin);
}

namespace {
bool has_peer_marker(const std::string& data_dir) {
  return path_exists(import_area(data_dir) + kPeer);
}
}  // namespace

bool has_admin_socket(const std::string& data_dir) {
  return is_imported(data_dir) || has_peer_marker(data_dir);
}

namespace {
std::string& socket_base_override() {
  static std::string base;
  return base;
}
}  // namespace

void set_admin_socket_base(const std::string& base) { socket_base_override() = base; }

std::string admin_socket_dir(int port) {
  // Short, because a socket path has at most 107 bytes.
  std::string base = ::geteuid() == 0 ? "/run/velo" : "/tmp/velo-" + std::to_string(::geteuid());
  if (!socket_base_override().empty()) base = socket_base_override();
  return base + "/" + std::to_string(port);
}

void remove_admin_socket(int port) {
  const std::string dir = admin_socket_dir(port);
  if (::unlink(dir.c_str()) != 0) ::rmdir(dir.c_str());
}

std::string passfile_path(const std::string& data_dir) {
  return import_area(data_dir) + "/passfile";
}

Status write_import_files(const std::string& data_dir, const std::string& superuser,
                          const std::string& server_os_user) {
  VELO_TRY(make_area(data_dir));
  VELO_TRY(write_owned(data_dir, import_area(data_dir) + kAdmin, superuser + "\n"));
  VELO_TRY(write_peer_files(data_dir, "a cluster imported from another server", superuser,
                            server_os_user));
  if (!path_exists(data_dir + "/postgresql.conf")) {
    // The source kept its configuration outside its data directory.
    VELO_TRY(write_owned(data_dir, data_dir + "/postgresql.conf",
                         "# Written by velo: the source's configuration lived elsewhere.\n"));
  }
  return Status::Ok();
}

Status write_peer_access(const std::string& data_dir, const std::string& superuser,
                         const std::string& server_os_user) {
  VELO_TRY(make_area(data_dir));
  VELO_TRY(write_owned(data_dir, import_area(data_dir) + kPeer, ""));
  return write_peer_files(data_dir, "a cluster it made", superuser, server_os_user);
}

Result<std::optional<FollowConfig>> read_follow(const std::string& data_dir) {
  std::string path = import_area(data_dir) + kFollow;
  if (!path_exists(path)) return std::optional<FollowConfig>();
  VELO_ASSIGN_OR_RETURN(std::string text, read_file(path));
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error(ErrorKind::Io, "{} is not valid JSON", path);
  }
  FollowConfig follow;
  follow.conninfo = json.value("conninfo", "");
  follow.slot = json.value("slot", "");
  follow.source = json.value("source", "");
  return std::optional<FollowConfig>(follow);
}

Status write_follow(const std::string& data_dir, const FollowConfig& follow) {
  VELO_TRY(make_area(data_dir));
  nlohmann::json json = {
      {"conninfo", follow.conninfo}, {"slot", follow.slot}, {"source", follow.source}};
  return write_owned(data_dir, import_area(data_dir) + kFollow, json.dump(2) + "\n");
}

Status write_passfile(const std::string& data_dir, const pg::ConnParams& source) {
  VELO_TRY(make_area(data_dir));
  std::string line = passfile_field(source.host) + ":" + std::to_string(source.port) +
                     ":*:" + passfile_field(source.user) + ":" + passfile_field(source.password) +
                     "\n";
  return write_owned(data_dir, passfile_path(data_dir), line);
}

Status remove_follow(const std::string& data_dir) {
  for (const std::string& path : {import_area(data_dir) + kFollow, passfile_path(data_dir)}) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + path);
  }
  return Status::Ok();
}

void add_import_settings(const BranchHandle& handle, pg::Settings& settings) {
  const std::string& data_dir = handle.spec.data_dir;
  if (!is_imported(data_dir)) {
    // A native cluster velo made (peer): the socket only; its hba and
    // ident files are where initdb put them.
    if (has_peer_marker(data_dir)) {
      settings.emplace_back("unix_socket_directories", admin_socket_dir(handle.spec.port));
    }
    return;
  }
  // Later lines win: these override the runtime's "no socket".
  settings.emplace_back("unix_socket_directories",
                        in_container(handle) ? server_path(handle, "/velo" + std::string(kSocket))
                                             : admin_socket_dir(handle.spec.port));
  // A source's postgresql.conf may point elsewhere (Debian's /etc).
  settings.emplace_back("hba_file", server_path(handle, "/pg_hba.conf"));
  settings.emplace_back("ident_file", server_path(handle, "/pg_ident.conf"));
  if (!is_root_branch(handle)) return;
  auto follow = read_follow(data_dir);
  if (!follow.ok() || !*follow) return;
  settings.emplace_back("hot_standby", "on");
  settings.emplace_back("primary_conninfo", (*follow)->conninfo);
  if (!(*follow)->slot.empty()) settings.emplace_back("primary_slot_name", (*follow)->slot);
}

Status prepare_import_files(const BranchHandle& handle) {
  const std::string& data_dir = handle.spec.data_dir;
  if (!is_imported(data_dir)) {
    if (!has_peer_marker(data_dir)) return Status::Ok();
    VELO_ASSIGN_OR_RETURN(Owner owner, owner_of(data_dir));
    return make_clean_socket_dir(admin_socket_dir(handle.spec.port), handle.spec.port, owner);
  }
  VELO_ASSIGN_OR_RETURN(Owner owner, owner_of(data_dir));
  VELO_TRY(in_container(handle) ? link_container_socket(handle, owner)
                                : make_clean_socket_dir(admin_socket_dir(handle.spec.port),
                                                        handle.spec.port, owner));
  if (!is_root_branch(handle)) return remove_follow(data_dir);
  VELO_ASSIGN_OR_RETURN(auto follow, read_follow(data_dir));
  if (!follow) return Status::Ok();
  return write_owned(data_dir, data_dir + "/standby.signal", "");
}

void use_admin_socket(const BranchHandle& handle, pg::ConnParams& params) {
  const std::string& data_dir = handle.spec.data_dir;
  if (is_imported(data_dir)) {
    if (!params.password.empty()) return;
  } else if (!has_peer_marker(data_dir)) {
    return;
  }
  params.host = admin_socket_dir(handle.spec.port);
  params.password.clear();  // peer: a password would only travel for nothing
  if (in_container(handle)) params.port = kContainerPort;  // names the socket file
  // Peer needs no password; libpq would still look one up, and warn that
  // /dev/null is not a plain file.
  params.passfile = "";
}

}  // namespace velo::core
