#include "support/docker_engine.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "runtime/docker_api.h"
#include "runtime/docker_client.h"
#include "util/exec.h"
#include "util/fs.h"

namespace velo::test {

namespace {

constexpr const char* kDataRoot = "/var/lib/velo-test-docker";
constexpr const char* kBridge = "velo-test0";
constexpr const char* kBridgeAddress = "10.213.0.1/24";

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// scripts/build-docker-image, found from the source tree above the test
// binary or the working directory (or VELO_SOURCE_DIR).
std::string find_build_script() {
  namespace fs = std::filesystem;
  std::vector<fs::path> starts;
  if (const char* source = std::getenv("VELO_SOURCE_DIR")) starts.emplace_back(source);
  starts.push_back(fs::path(VELO_BINARY).parent_path());
  starts.push_back(fs::current_path());
  for (fs::path dir : starts) {
    for (; !dir.empty(); dir = dir.parent_path()) {
      fs::path script = dir / "scripts" / "build-docker-image";
      if (fs::exists(script)) return script.string();
      if (dir == dir.root_path()) break;
    }
  }
  return "";
}

std::string run_quietly(const std::vector<std::string>& argv) {
  RealProcessRunner runner;
  auto result = run_checked(runner, Command{argv});
  return result.ok() ? "" : result.error().message;
}

}  // namespace

DockerEngine* DockerEngine::shared(std::string* reason) {
  static std::string failure;
  static std::unique_ptr<DockerEngine> engine = [] {
    std::unique_ptr<DockerEngine> made(new DockerEngine());
    made->image_ = env_or("VELO_TEST_DOCKER_IMAGE", "velo-test/postgres:15");
    const std::string given = env_or("VELO_TEST_DOCKER_HOST", "");
    failure = given.empty() ? made->launch() : made->attach(given);
    if (failure.empty()) failure = made->ensure_image();
    if (!failure.empty()) made.reset();
    return made;
  }();
  if (!engine && reason != nullptr) *reason = failure;
  return engine.get();
}

std::string DockerEngine::attach(const std::string& docker_host) {
  auto path = runtime::socket_path_from_docker_host(docker_host.c_str());
  if (!path.ok()) return "VELO_TEST_DOCKER_HOST: " + path.error().message;
  socket_path_ = *path;
  runtime::DockerClient client(socket_path_);
  Status ping = client.ping();
  return ping.ok() ? "" : "VELO_TEST_DOCKER_HOST: " + ping.error().message;
}

std::string DockerEngine::launch() {
  if (geteuid() != 0) return "starting a private dockerd needs root (or set VELO_TEST_DOCKER_HOST)";
  const std::string dockerd = "/usr/sbin/dockerd";
  if (access(dockerd.c_str(), X_OK) != 0)
    return dockerd + " is missing (apt-get install docker.io)";

  // One private engine at a time owns the data root and the bridge.
  if (Status made = make_dirs(kDataRoot, 0711); !made.ok()) return made.error().message;
  lock_fd_ = ::open((std::string(kDataRoot) + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0)
    return "cannot lock " + std::string(kDataRoot);

  if (!run_quietly({"ip", "link", "show", kBridge}).empty()) {
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"ip", "link", "add", "name", kBridge, "type", "bridge"},
             {"ip", "addr", "add", kBridgeAddress, "dev", kBridge},
             {"ip", "link", "set", kBridge, "up"}}) {
      if (std::string error = run_quietly(argv); !error.empty())
        return "cannot set up bridge: " + error;
    }
  }

  char pattern[] = "/tmp/velo-dockerd-XXXXXX";  // short: socket paths have a 108-byte limit
  if (mkdtemp(pattern) == nullptr) return "mkdtemp failed";
  temp_dir_ = pattern;
  socket_path_ = temp_dir_ + "/docker.sock";
  log_path_ = temp_dir_ + "/dockerd.log";
  Command command{{dockerd, "--host", "unix://" + socket_path_, "--data-root", kDataRoot,
                   "--exec-root", temp_dir_ + "/exec", "--pidfile", temp_dir_ + "/dockerd.pid",
                   "--bridge", kBridge, "--iptables=false", "--ip-masq=false"}};
  auto pid = spawn_detached(command, log_path_);
  if (!pid.ok()) return "cannot start dockerd: " + pid.error().message;
  dockerd_pid_ = *pid;
  std::string error = wait_until_ready();
  if (error.empty()) remove_leftover_containers();
  return error;
}

std::string DockerEngine::wait_until_ready() {
  runtime::DockerClient client(socket_path_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.ping().ok()) return "";
    int status = 0;
    if (::waitpid(dockerd_pid_, &status, WNOHANG) == dockerd_pid_) {
      dockerd_pid_ = -1;
      return "dockerd exited at start:\n" + tail_file(log_path_, 15);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "dockerd did not answer within 60 s:\n" + tail_file(log_path_, 15);
}

void DockerEngine::remove_leftover_containers() {
  runtime::DockerClient client(socket_path_);
  auto leftovers = client.list_containers("dev.velo.managed", "true");
  if (!leftovers.ok()) return;
  for (const auto& container : *leftovers) (void)client.remove_container(container.id);
}

std::string DockerEngine::ensure_image() {
  runtime::DockerClient client(socket_path_);
  Status present = client.inspect_image(image_);
  if (present.ok()) return "";
  if (present.error().kind != ErrorKind::NotFound) return present.error().message;
  const std::string script = find_build_script();
  if (script.empty()) return "scripts/build-docker-image not found (set VELO_SOURCE_DIR)";
  RealProcessRunner runner;
  Command build{{script, image_}};
  build.env = {{"DOCKER_HOST", docker_host()}};
  const auto begin = std::chrono::steady_clock::now();
  auto built = runner.run(build);
  std::cerr << "[ docker   ] scripts/build-docker-image " << image_ << ": "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                begin)
                   .count()
            << " s\n";
  if (!built.ok()) return built.error().message;
  if (built->exit_code != 0) {
    return "scripts/build-docker-image " + image_ + " failed:\n" +
           runtime::last_lines(built->err, 15);
  }
  return "";
}

DockerEngine::~DockerEngine() {
  if (dockerd_pid_ > 0) {
    ::kill(dockerd_pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    while (::waitpid(dockerd_pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(dockerd_pid_, SIGKILL);
        ::waitpid(dockerd_pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!temp_dir_.empty()) (void)remove_tree(temp_dir_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace velo::test
