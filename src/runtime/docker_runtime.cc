#include "runtime/docker_runtime.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "util/fs.h"

namespace velo::runtime {

namespace {

constexpr const char* kManagedLabel = "dev.velo.managed";
constexpr const char* kProjectLabel = "dev.velo.project";
constexpr const char* kBranchLabel = "dev.velo.branch";
constexpr const char* kHomeLabel = "dev.velo.home";
constexpr const char* kRoleLabel = "dev.velo.role";
constexpr const char* kPwfileInContainer = "/var/lib/velo/pwfile";
constexpr int kImmediateStopTimeoutS = 10;
constexpr int kStopTimeoutS = 60;            // then the engine sends SIGKILL
constexpr long kRunOnceTimeoutS = 600;       // initdb of a fresh cluster
constexpr long long kShmSize = 256LL << 20;  // Docker's 64 MB is too small for parallel query

// Runs `undo` when it goes out of scope.
template <typename F>
class Cleanup {
 public:
  explicit Cleanup(F undo) : undo_(std::move(undo)) {}
  ~Cleanup() { undo_(); }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;

 private:
  F undo_;
};

std::string user_of(const UidGid& ids) {
  return std::to_string(ids.uid) + ":" + std::to_string(ids.gid);
}

bool has_cluster(const ClusterSpec& spec) { return path_exists(spec.data_dir + "/PG_VERSION"); }

std::string label_of(const ContainerInfo& info, const char* key) {
  auto it = info.labels.find(key);
  return it == info.labels.end() ? std::string() : it->second;
}

bool mentions(const std::string& text, const char* needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

DockerRuntime::DockerRuntime(DockerClient& client, std::string home)
    : client_(client), home_(std::move(home)) {}

DockerRuntime::DockerRuntime(const std::string& socket_path, std::string home)
    : owned_client_(std::make_unique<DockerClient>(socket_path)),
      client_(*owned_client_),
      home_(std::move(home)) {}

bool DockerRuntime::is_ours(const ContainerInfo& info, const ClusterSpec& spec) const {
  return label_of(info, kManagedLabel) == "true" && label_of(info, kHomeLabel) == home_ &&
         label_of(info, kProjectLabel) == spec.project &&
         label_of(info, kBranchLabel) == spec.branch;
}

std::string DockerRuntime::container_name(const ClusterSpec& spec) {
  return "velo-" + spec.project + "-" + spec.branch;
}

std::string DockerRuntime::initdb_container_name(const ClusterSpec& spec) {
  return container_name(spec) + ".initdb";  // '.' is in no velo name: no branch's container has it
}

std::string DockerRuntime::image_for(const ClusterSpec& spec) {
  return spec.image.empty() ? "postgres:" + spec.pg_version : spec.image;
}

std::map<std::string, std::string> DockerRuntime::labels_for(const ClusterSpec& spec) const {
  return {{kManagedLabel, "true"},
          {kHomeLabel, home_},
          {kProjectLabel, spec.project},
          {kBranchLabel, spec.branch}};
}

Result<std::string> DockerRuntime::run_once(const std::string& name, ContainerConfig config,
                                            const std::string& what) {
  VELO_ASSIGN_OR_RETURN(std::string id, client_.create_container(name, config));
  Cleanup remove_container([&] { (void)client_.remove_container(id); });
  VELO_TRY(client_.start_container(id));
  VELO_ASSIGN_OR_RETURN(int exit_code, client_.wait_container(id, kRunOnceTimeoutS));
  auto logs = client_.container_logs(id, 200);
  const std::string output = logs.ok() ? *logs : std::string();
  if (exit_code != 0) {
    return make_error(ErrorKind::Io, "{} failed in a container of {} (exit {}):\n{}", what,
                      config.image, exit_code, last_lines(output, 10));
  }
  return output;
}

Result<UidGid> DockerRuntime::postgres_ids(const std::string& image) {
  std::lock_guard<std::mutex> lock(ids_mutex_);
  if (auto it = ids_by_image_.find(image); it != ids_by_image_.end()) return it->second;
  ContainerConfig probe;
  probe.image = image;
  probe.entrypoint = {"id"};
  probe.cmd = {"postgres"};
  probe.labels = {{kManagedLabel, "true"}, {kHomeLabel, home_}, {kRoleLabel, "probe"}};
  VELO_ASSIGN_OR_RETURN(std::string output, run_once("", probe, "looking up the postgres user"));
  VELO_ASSIGN_OR_RETURN(UidGid ids, parse_id_output(output));
  ids_by_image_[image] = ids;
  return ids;
}

Result<UidGid> DockerRuntime::server_ids(const ClusterSpec& spec) {
  // A clone is owned already by the uid its parent's initdb ran as (the
  // project's image): take it from there rather than run a container to
  // ask the image, which costs a second on every branch create and start.
  struct stat st {};
  if (::stat(spec.data_dir.c_str(), &st) == 0 && st.st_uid != 0)
    return UidGid{st.st_uid, st.st_gid};
  return postgres_ids(image_for(spec));
}

Result<std::optional<ContainerInfo>> DockerRuntime::find_ours(const std::string& name,
                                                              const ClusterSpec& spec) {
  auto info = client_.inspect_container(name);
  if (!info.ok()) {
    if (info.error().kind == ErrorKind::NotFound) return std::optional<ContainerInfo>();
    return info.error();
  }
  if (is_ours(*info, spec)) return std::optional<ContainerInfo>(std::move(*info));
  const std::string other_home = label_of(*info, kHomeLabel);
  if (label_of(*info, kManagedLabel) == "true" && !other_home.empty() && other_home != home_) {
    return make_error(ErrorKind::Conflict,
                      "Docker container {} belongs to the velo home {}, not to {}; "
                      "use another project name here or remove that project there",
                      name, other_home, home_);
  }
  return make_error(ErrorKind::Conflict,
                    "a Docker container named {} exists and does not belong to velo's {}/{}; "
                    "rename or remove it",
                    name, spec.project, spec.branch);
}

Status DockerRuntime::remove_if_ours(const std::string& name, const ClusterSpec& spec) {
  VELO_ASSIGN_OR_RETURN(auto ours, find_ours(name, spec));
  if (!ours) return Status::Ok();
  auto removed = client_.remove_container(name);
  if (!removed.ok() && removed.error().kind != ErrorKind::NotFound) return removed;
  return Status::Ok();
}

Status DockerRuntime::init_cluster(const ClusterSpec& spec, const std::string& superuser,
                                   const std::string& password) {
  const std::string image = image_for(spec);
  VELO_TRY(client_.inspect_image(image));
  if (has_cluster(spec)) {
    return make_error(ErrorKind::Conflict, "{} holds a PostgreSQL cluster already", spec.data_dir);
  }
  VELO_ASSIGN_OR_RETURN(UidGid ids, postgres_ids(image));
  VELO_TRY(make_dirs(spec.data_dir, 0700));
  VELO_TRY(chown_data_dir(spec.data_dir, ids.uid, ids.gid));

  // The password reaches initdb as a file beside the data directory,
  // readable by the server's user only, and gone once initdb has run: it
  // is never in argv or in the container's environment.
  const std::string pwfile =
      (std::filesystem::path(spec.data_dir).parent_path() / ".velo-initdb-pwfile").string();
  Cleanup remove_pwfile([&] { ::unlink(pwfile.c_str()); });
  VELO_TRY(write_file_atomic(pwfile, password + "\n", 0600));
  if (::chown(pwfile.c_str(), ids.uid, ids.gid) != 0) {
    return make_error(ErrorKind::Io, "cannot hand {} to uid {}", pwfile, ids.uid);
  }

  const std::string name = initdb_container_name(spec);
  VELO_TRY(remove_if_ours(name, spec));
  ContainerConfig config;
  config.image = image;
  config.entrypoint = {"initdb"};
  config.cmd = {"-D",
                kDataDir,
                "-U",
                superuser,
                std::string("--pwfile=") + kPwfileInContainer,
                "--auth-host=scram-sha-256",
                "--auth-local=peer",
                "--data-checksums"};
  config.user = user_of(ids);
  config.labels = labels_for(spec);
  config.labels[kRoleLabel] = "initdb";
  config.mounts = {{spec.data_dir, kDataDir, false}, {pwfile, kPwfileInContainer, true}};
  VELO_ASSIGN_OR_RETURN(std::string output, run_once(name, config, "initdb"));
  (void)output;
  return Status::Ok();
}

Status DockerRuntime::adopt_data_dir(const ClusterSpec& spec) {
  VELO_ASSIGN_OR_RETURN(UidGid ids, server_ids(spec));
  VELO_TRY(chown_data_dir(spec.data_dir, ids.uid, ids.gid));
  if (!spec.archive_dir.empty() && path_exists(spec.archive_dir)) {
    VELO_TRY(chown_tree(spec.archive_dir, ids.uid, ids.gid));
  }
  return Status::Ok();
}

pg::Settings DockerRuntime::server_settings(const ClusterSpec& spec) {
  pg::Settings settings = {
      {"port", "5432"},
      {"listen_addresses", "*"},  // inside the container; the host side is the published port
      {"unix_socket_directories", "/var/run/postgresql"},
      {"wal_recycle", "off"},
      {"wal_init_zero", "off"},
      {"cluster_name", "velo-" + spec.project + "-" + spec.branch},
  };
  if (!spec.archive_dir.empty()) {
    settings.emplace_back("archive_mode", "on");
    settings.emplace_back("archive_command", archive_command());
  }
  if (!spec.restore_dir.empty()) {
    settings.emplace_back("restore_command", std::string("cp ") + kRestoreDir + "/%f %p");
  }
  return settings;
}

std::string DockerRuntime::archive_command() {
  // The server substitutes %p (the segment, relative to PGDATA) and %f (its
  // name); both are plain file names. Exit 0 only when the file is durably
  // in the archive.
  return fmt::format(
      "d={dir}; f=\"$d/%f\"; t=\"$d/.%f.tmp\"; "
      "if [ -e \"$f\" ]; then "
      "cmp -s %p \"$f\" || {{ echo \"velo: $f is already archived with different content\" >&2; "
      "exit 1; }}; "
      "sync \"$f\" \"$d\"; "
      "else cp %p \"$t\" && sync \"$t\" && ln \"$t\" \"$f\" && rm -f \"$t\" && sync \"$d\"; fi",
      fmt::arg("dir", kArchiveDir));
}

std::string DockerRuntime::connect_host(const ClusterSpec& spec) {
  const std::string& address = spec.listen_address;
  if (address.empty() || address == "*" || address == "0.0.0.0") return "127.0.0.1";
  return address;
}

ContainerConfig DockerRuntime::server_config(const ClusterSpec& spec, const UidGid& ids) const {
  ContainerConfig config;
  config.image = image_for(spec);
  config.entrypoint = {"postgres"};
  config.cmd = {"-D", kDataDir};
  config.user = user_of(ids);
  config.env = {std::string("PGDATA=") + kDataDir};
  config.labels = labels_for(spec);
  config.mounts = {{spec.data_dir, kDataDir, false}};
  if (!spec.archive_dir.empty()) config.mounts.push_back({spec.archive_dir, kArchiveDir, false});
  if (!spec.restore_dir.empty()) config.mounts.push_back({spec.restore_dir, kRestoreDir, true});
  config.container_port = 5432;
  const std::string& address = spec.listen_address;
  config.host_ip = address.empty() ? "127.0.0.1" : address == "*" ? "0.0.0.0" : address;
  config.host_port = spec.port;
  config.stop_signal = "SIGINT";  // PostgreSQL's fast shutdown
  config.stop_timeout_s = kStopTimeoutS;
  config.shm_size_bytes = kShmSize;
  return config;
}

Status DockerRuntime::start(const ClusterSpec& spec) {
  const std::string image = image_for(spec);
  VELO_TRY(client_.inspect_image(image));
  if (!has_cluster(spec)) {
    return make_error(ErrorKind::NotFound, "no PostgreSQL cluster in {}", spec.data_dir);
  }
  // A new branch has no container yet: one inspect. Running is done;
  // stopped is recreated from the spec; someone else's is a Conflict.
  const std::string name = container_name(spec);
  VELO_ASSIGN_OR_RETURN(auto existing, find_ours(name, spec));
  if (existing && existing->running) return Status::Ok();
  if (existing) VELO_TRY(remove_if_ours(name, spec));
  VELO_ASSIGN_OR_RETURN(UidGid ids, server_ids(spec));
  VELO_ASSIGN_OR_RETURN(std::string id, client_.create_container(name, server_config(spec, ids)));
  Status started = client_.start_container(id);
  if (started.ok()) return started;
  // Leave nothing behind: a created-but-not-started container would hold
  // the name and look like a stopped branch.
  (void)client_.remove_container(id);
  const std::string& message = started.error().message;
  if (mentions(message, "address already in use") ||
      mentions(message, "port is already allocated")) {
    return make_error(ErrorKind::Conflict,
                      "port {} on {} is already in use; container {} not started ({})", spec.port,
                      server_config(spec, ids).host_ip, name, message);
  }
  return started;
}

Status DockerRuntime::check_alive(const ClusterSpec& spec) {
  const std::string name = container_name(spec);
  auto info = client_.inspect_container(name);
  if (!info.ok()) {
    if (info.error().kind == ErrorKind::NotFound) {
      return make_error(ErrorKind::Io, "the container {} of {}/{} is gone", name, spec.project,
                        spec.branch);
    }
    return info.error();
  }
  if (info->running) return Status::Ok();
  return make_error(ErrorKind::Io,
                    "postgres for {}/{} exited with code {} (container {}{}); last log lines:\n{}",
                    spec.project, spec.branch, info->exit_code, name,
                    info->error.empty() ? "" : ": " + info->error, log_tail(spec, 10));
}

Result<bool> DockerRuntime::runs_ours(const std::string& name, const ClusterSpec& spec) {
  auto info = client_.inspect_container(name);
  if (!info.ok()) {
    if (info.error().kind == ErrorKind::NotFound) return false;
    return info.error();
  }
  return info->running && is_ours(*info, spec);
}

Status DockerRuntime::stop(const ClusterSpec& spec) {
  const std::string name = container_name(spec);
  VELO_ASSIGN_OR_RETURN(bool running, runs_ours(name, spec));
  if (!running) return Status::Ok();
  return client_.stop_container(name, kStopTimeoutS);
}

Status DockerRuntime::stop_immediately(const ClusterSpec& spec) {
  const std::string name = container_name(spec);
  VELO_ASSIGN_OR_RETURN(bool running, runs_ours(name, spec));
  if (!running) return Status::Ok();
  // SIGQUIT is postgres's immediate shutdown; the engine's stop is the
  // fallback when the container does not exit on it.
  if (client_.kill_container(name, "SIGQUIT").ok() &&
      client_.wait_container(name, kImmediateStopTimeoutS).ok()) {
    return Status::Ok();
  }
  return client_.stop_container(name, kStopTimeoutS);
}

Result<ClusterState> DockerRuntime::state(const ClusterSpec& spec) {
  if (!has_cluster(spec)) return ClusterState::Missing;
  auto info = client_.inspect_container(container_name(spec));
  if (!info.ok()) {
    if (info.error().kind == ErrorKind::NotFound) return ClusterState::Stopped;
    return info.error();
  }
  return is_ours(*info, spec) && info->running ? ClusterState::Running : ClusterState::Stopped;
}

Status DockerRuntime::remove(const ClusterSpec& spec) {
  VELO_TRY(remove_if_ours(initdb_container_name(spec), spec));
  return remove_if_ours(container_name(spec), spec);
}

std::string DockerRuntime::log_tail(const ClusterSpec& spec, int lines) {
  auto logs = client_.container_logs(container_name(spec), lines);
  return logs.ok() ? last_lines(*logs, lines) : std::string();
}

Status DockerRuntime::check(const std::string& pg_version, const std::string& image) {
  VELO_TRY(client_.ping());
  if (pg_version.empty() && image.empty()) return Status::Ok();
  ClusterSpec spec;
  spec.pg_version = pg_version;
  spec.image = image;
  return client_.inspect_image(image_for(spec));
}

Result<std::vector<ManagedContainer>> DockerRuntime::list_managed() {
  VELO_ASSIGN_OR_RETURN(std::vector<ContainerInfo> containers,
                        client_.list_containers(kHomeLabel, home_));
  std::vector<ManagedContainer> out;
  for (ContainerInfo& info : containers) {
    if (label_of(info, kManagedLabel) != "true") continue;
    out.push_back({info.id, info.name, info.labels[kProjectLabel], info.labels[kBranchLabel],
                   info.image, info.running});
  }
  return out;
}

Result<std::vector<Runtime::Managed>> DockerRuntime::list_clusters() {
  VELO_ASSIGN_OR_RETURN(auto containers, list_managed());
  std::vector<Managed> out;
  out.reserve(containers.size());
  for (const auto& container : containers) out.push_back({container.project, container.branch});
  return out;
}

}  // namespace velo::runtime
