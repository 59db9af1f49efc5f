// A Docker engine for the end-to-end suites, with velo's test image in it.
//
// With VELO_TEST_DOCKER_HOST=unix:///path set, that engine is used as is
// (the image is built into it when absent). Otherwise a private dockerd is
// started, as root, on a socket of its own under a temporary directory,
// beside any other engine on the machine:
//   - its own bridge (velo-test0, 10.213.0.1/24) with --iptables=false:
//     published ports go through docker-proxy, so no iptables chain or
//     docker0 is shared with another daemon;
//   - a fixed data root, /var/lib/velo-test-docker (held under a lock), so
//     the image built once survives across runs; its leftover velo
//     containers are removed at start.
// The image (VELO_TEST_DOCKER_IMAGE, default velo-test/postgres:15) is
// built with scripts/build-docker-image when the engine lacks it.
//
// Where no engine can run (not root, no dockerd, dockerd fails, the image
// cannot be built) shared() returns nullptr and says why, and the tests
// skip with that reason.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace velo::test {

class DockerEngine {
 public:
  // The engine of this test binary, started on the first call and stopped
  // when the binary exits; nullptr, with `reason` set, when none can run.
  static DockerEngine* shared(std::string* reason);

  ~DockerEngine();
  DockerEngine(const DockerEngine&) = delete;
  DockerEngine& operator=(const DockerEngine&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  std::string docker_host() const { return "unix://" + socket_path_; }
  const std::string& image() const { return image_; }

 private:
  DockerEngine() = default;
  // Each returns "" on success, else the reason to skip.
  std::string attach(const std::string& docker_host);
  std::string launch();
  std::string wait_until_ready();
  std::string ensure_image();
  void remove_leftover_containers();

  std::string socket_path_;
  std::string image_;
  std::string temp_dir_;  // ours to remove
  std::string log_path_;
  pid_t dockerd_pid_ = -1;  // -1: an engine we did not start
  int lock_fd_ = -1;
};

}  // namespace velo::test

// In a test body: skips the test, with the reason, when no engine can run.
#define VELO_REQUIRE_DOCKER(engine_var)                         \
  std::string velo_docker_reason_;                              \
  ::velo::test::DockerEngine* engine_var =                      \
      ::velo::test::DockerEngine::shared(&velo_docker_reason_); \
  if (engine_var == nullptr) GTEST_SKIP() << "docker: " << velo_docker_reason_
