// A small client of the Docker Engine API over its unix socket (libcurl).
// It knows the handful of calls velo needs; requests and responses are
// built and read by the pure functions of docker_api.h.
//
// Errors: no engine answering is Unavailable (the message names the
// socket); an unknown container or image is NotFound; a name in use is
// Conflict; anything else the engine refuses is Io with its message.
//
// Thread safety: each call uses its own connection; a client may be shared.
#pragma once

#include <string>
#include <vector>

#include "runtime/docker_api.h"
#include "util/result.h"

namespace velo::runtime {

struct HttpRequest {
  std::string method;     // GET, POST, DELETE
  std::string path;       // with query string, without the API version
  std::string body = {};  // JSON; empty for none
  long timeout_s = 60;    // 0: no limit
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class DockerClient {
 public:
  explicit DockerClient(std::string socket_path);
  virtual ~DockerClient() = default;
  DockerClient(DockerClient&&) = default;

  const std::string& socket_path() const { return socket_path_; }

  Status ping();
  // NotFound when the engine does not have the image.
  Status inspect_image(const std::string& image);

  // Creates a container named `name` (empty: engine-chosen); returns its id.
  Result<std::string> create_container(const std::string& name, const ContainerConfig& config);
  // Ok if it runs already.
  Status start_container(const std::string& id_or_name);
  // Sends the container's stop signal, then SIGKILL after `timeout_s`.
  // Ok if it is not running.
  Status stop_container(const std::string& id_or_name, int timeout_s);
  // Sends `signal` (e.g. "SIGKILL") to the container's main process.
  Status kill_container(const std::string& id_or_name, const std::string& signal);
  // Waits until the container exits; returns its exit code.
  Result<int> wait_container(const std::string& id_or_name, long timeout_s);
  // Removes the container, killing it if it runs. NotFound if absent.
  Status remove_container(const std::string& id_or_name);
  Result<ContainerInfo> inspect_container(const std::string& id_or_name);
  // stdout and stderr, interleaved as written, the last `tail` lines.
  Result<std::string> container_logs(const std::string& id_or_name, int tail);
  // All containers (running or not) that carry label key=value.
  Result<std::vector<ContainerInfo>> list_containers(const std::string& label_key,
                                                     const std::string& label_value);

 protected:
  // One HTTP exchange; the unit tests' fake engine overrides this.
  virtual Result<HttpResponse> send(const HttpRequest& request);

 private:
  // send(), and any status >= 400 turned into an error naming `what`.
  Result<HttpResponse> call(const HttpRequest& request, const std::string& what);

  std::string socket_path_;
};

}  // namespace velo::runtime
