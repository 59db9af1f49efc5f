// The docker runtime: each branch is a container named
// velo-<project>-<branch>, labelled dev.velo.managed=true,
// dev.velo.project, dev.velo.branch and dev.velo.home (the velo home that
// made it: several homes may share one engine), running the image's `postgres` on
// the branch's data directory, bind-mounted at /var/lib/postgresql/data.
// Its port 5432 is published on spec.listen_address:spec.port, a fixed
// host port, so that it survives restarts.
//
// Files belong to the image's postgres user, whose uid/gid are read from
// the image itself (a short-lived `id postgres` container) and cached, or,
// for a data directory that has them already, from its owner.
//
// stop() leaves the stopped container in place (its logs stay readable
// for diagnosis); start() always recreates the container from the spec,
// so a changed port, image or mount takes effect. state() reads Stopped
// for data without a running container, container or not.
//
// A container of our name that does not carry our home, project and
// branch labels is never touched: the call fails with Conflict. (Names
// alone are ambiguous: project "a-b" branch "c" and project "a" branch
// "b-c" both give velo-a-b-c, and two homes may both have project "a";
// the labels tell them apart.)
//
// WAL archiving runs inside the container, where no velo binary is: the
// archive_command is a short /bin/sh script with the same contract as
// `velo wal-archive` (copy to a dot-named temporary, fsync, link() into
// place so nothing is ever overwritten, fsync the directory; a file that
// is already archived with the same bytes is success, with other bytes a
// failure). It needs only cp, sync, ln, rm and cmp, which the official
// images (Debian and Alpine) have.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/docker_client.h"
#include "runtime/runtime.h"

namespace velo::runtime {

// A container velo made, as `velo doctor` and `velo gc` see it.
struct ManagedContainer {
  std::string id;
  std::string name;
  std::string project;
  std::string branch;
  std::string image;
  bool running = false;
};

class DockerRuntime : public Runtime {
 public:
  // `home` is the velo home whose containers this runtime manages.
  // REQUIRES: `client` outlives the runtime.
  DockerRuntime(DockerClient& client, std::string home);
  // Owns a client on `socket_path`.
  DockerRuntime(const std::string& socket_path, std::string home);

  std::string name() const override { return "docker"; }
  Status init_cluster(const ClusterSpec& spec, const std::string& superuser,
                      const std::string& password) override;
  Status adopt_data_dir(const ClusterSpec& spec) override;
  pg::Settings server_settings(const ClusterSpec& spec) override;
  std::string connect_host(const ClusterSpec& spec) override;
  Status start(const ClusterSpec& spec) override;
  Status check_alive(const ClusterSpec& spec) override;
  Status stop(const ClusterSpec& spec) override;
  Status stop_immediately(const ClusterSpec& spec) override;
  Result<ClusterState> state(const ClusterSpec& spec) override;
  Status remove(const ClusterSpec& spec) override;
  std::string log_tail(const ClusterSpec& spec, int lines) override;
  Status check(const std::string& pg_version, const std::string& image = "") override;

  Result<std::vector<Managed>> list_clusters() override;

  // Every container of this home (labelled dev.velo.managed=true and
  // dev.velo.home=home), running or not.
  Result<std::vector<ManagedContainer>> list_managed();

  static std::string container_name(const ClusterSpec& spec);
  // The transient container that runs initdb.
  static std::string initdb_container_name(const ClusterSpec& spec);
  static std::string image_for(const ClusterSpec& spec);
  // The archive_command a server in a container runs (see above).
  static std::string archive_command();

  // Paths inside the container.
  static constexpr const char* kDataDir = "/var/lib/postgresql/data";
  static constexpr const char* kArchiveDir = "/var/lib/velo/archive";
  static constexpr const char* kRestoreDir = "/var/lib/velo/restore";

 private:
  // The uid/gid of the image's postgres user (cached per image).
  Result<UidGid> postgres_ids(const std::string& image);
  // The server's uid/gid for spec: the data directory's owner once it is
  // not root's (a cluster made by initdb in the image, and its clones),
  // else postgres_ids() of the image.
  Result<UidGid> server_ids(const ClusterSpec& spec);
  // Runs a throw-away container to completion; returns its output, or an
  // Io error quoting it when the command fails.
  Result<std::string> run_once(const std::string& name, ContainerConfig config,
                               const std::string& what);
  // The container of this name if it is ours, nullopt if there is none;
  // Conflict if it is someone else's (another home's, or not velo's).
  Result<std::optional<ContainerInfo>> find_ours(const std::string& name, const ClusterSpec& spec);
  // Removes a container of this name if it is ours; Conflict if not.
  Status remove_if_ours(const std::string& name, const ClusterSpec& spec);
  std::map<std::string, std::string> labels_for(const ClusterSpec& spec) const;
  ContainerConfig server_config(const ClusterSpec& spec, const UidGid& ids) const;

  // Labelled as this home's container of spec's project and branch.
  bool is_ours(const ContainerInfo& info, const ClusterSpec& spec) const;
  // Whether container `name` is running and is `spec`'s (false when absent).
  Result<bool> runs_ours(const std::string& name, const ClusterSpec& spec);

  std::unique_ptr<DockerClient> owned_client_;
  DockerClient& client_;
  std::string home_;
  std::mutex ids_mutex_;
  std::map<std::string, UidGid> ids_by_image_;
};

}  // namespace velo::runtime
