// A runtime starts and stops one PostgreSQL server on a data directory:
// native (a postgres process) or docker (a container). Readiness is not the
// runtime's business: core polls the server through libpq.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "pg/config_files.h"
#include "util/result.h"

namespace velo::runtime {

struct ClusterSpec {
  std::string project;
  std::string branch;
  std::string data_dir;    // host path of PGDATA (volume_path()/data)
  std::string pg_version;  // major version, e.g. "15"
  std::string image;       // docker only
  int port = 0;            // fixed host port
  std::string listen_address = "127.0.0.1";
  std::string log_path;     // native: server stderr goes here
  std::string archive_dir;  // where archive_command writes; empty = none
  std::string restore_dir;  // read-only WAL source for recovery; empty = none
};

// Hands a data directory to the server's user (uid:gid). A clone of one
// the server owned needs only what velo wrote into it: files at the top
// (velo.conf, backup_label) and pg_wal (a snapshot's recopied segments).
Status chown_data_dir(const std::string& data_dir, uid_t uid, gid_t gid);

enum class ClusterState { Running, Stopped, Missing };
const char* to_string(ClusterState state);

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::string name() const = 0;

  // Creates a new cluster in spec.data_dir (initdb) with superuser
  // `superuser` whose password is `password` (never passed in argv).
  virtual Status init_cluster(const ClusterSpec& spec, const std::string& superuser,
                              const std::string& password) = 0;

  // Makes the data directory (a fresh clone) owned by the server's user.
  virtual Status adopt_data_dir(const ClusterSpec& spec) = 0;

  // The settings core writes into velo.conf for this runtime: port and
  // listen_addresses (native: spec.port on spec.listen_address; docker:
  // 5432 on all interfaces inside the container), archive_command and
  // restore_command paths as the server sees them, and CoW-friendly WAL
  // settings (wal_recycle=off, wal_init_zero=off).
  virtual pg::Settings server_settings(const ClusterSpec& spec) = 0;

  // Whether the server can listen on a unix socket in a directory of the
  // host's (core's admin socket): true for a process on this host.
  virtual bool serves_host_socket() const { return false; }

  // The host and port a client on this machine connects to.
  virtual std::string connect_host(const ClusterSpec& spec) = 0;

  // Launches the server detached and returns at once.
  virtual Status start(const ClusterSpec& spec) = 0;

  // After start(): Io error (with the last log lines) if the server has
  // already exited, so a readiness loop can stop waiting.
  virtual Status check_alive(const ClusterSpec& spec) = 0;

  // Fast shutdown; returns when the server has exited. Ok if not running.
  virtual Status stop(const ClusterSpec& spec) = 0;
  // Immediate shutdown, for a server whose data is thrown away next: no
  // shutdown checkpoint to wait for. Returns when the server has exited;
  // Ok if not running.
  virtual Status stop_immediately(const ClusterSpec& spec) = 0;

  virtual Result<ClusterState> state(const ClusterSpec& spec) = 0;

  // Forgets the cluster (removes the container); the data stays.
  virtual Status remove(const ClusterSpec& spec) = 0;

  // The last `lines` lines of the server's log, for error messages.
  virtual std::string log_tail(const ClusterSpec& spec, int lines) = 0;

  // For `velo doctor` and project create: the binaries of pg_version
  // present (native), or the engine answering and `image` (empty: the
  // default image of pg_version) present in it (docker).
  virtual Status check(const std::string& pg_version, const std::string& image = "") = 0;

  // The clusters this runtime holds outside velo's data directories (the
  // docker runtime's labelled containers), so `velo gc` can find those
  // whose branch is gone. Native servers live in their data directories
  // and are never orphaned on their own: none.
  struct Managed {
    std::string project;
    std::string branch;
  };
  virtual Result<std::vector<Managed>> list_clusters() { return std::vector<Managed>{}; }
};

}  // namespace velo::runtime
