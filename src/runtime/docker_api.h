// The pure parts of talking to the Docker Engine API: request bodies,
// response parsing, the log stream format. No I/O here, so that all of it
// is unit-tested without an engine.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace velo::runtime {

struct BindMount {
  std::string source;  // host path; must exist
  std::string target;  // path inside the container
  bool read_only = false;
};

// What velo asks of a container. Empty fields keep the image's defaults.
struct ContainerConfig {
  std::string image;
  std::vector<std::string> entrypoint;  // empty: the image's entrypoint
  std::vector<std::string> cmd;         // empty: the image's cmd
  std::string user;                     // "uid:gid"
  std::vector<std::string> env;         // "NAME=value"
  std::map<std::string, std::string> labels;
  std::vector<BindMount> mounts;
  // Publishes container_port/tcp on host_ip:host_port when host_port > 0.
  int container_port = 0;
  std::string host_ip;
  int host_port = 0;
  std::string stop_signal;  // e.g. "SIGINT"; empty: the image's
  int stop_timeout_s = -1;  // < 0: the engine's default
  long long shm_size_bytes = 0;
};

// The JSON body of POST /containers/create.
std::string container_create_body(const ContainerConfig& config);

// What velo reads back from GET /containers/{id}/json or /containers/json.
struct ContainerInfo {
  std::string id;
  std::string name;  // without the leading '/'
  std::string image;
  std::string state;  // "running", "exited", "created", ...
  bool running = false;
  int exit_code = 0;
  std::string error;  // the engine's error starting it, if any
  std::map<std::string, std::string> labels;
};

// Parses a container inspect response.
Result<ContainerInfo> parse_container_inspect(const std::string& body);
// Parses a container list response.
Result<std::vector<ContainerInfo>> parse_container_list(const std::string& body);

// The `message` of an engine error response, else the body itself.
std::string error_message(const std::string& body);

// Logs of a container without a TTY come as frames: one byte stream type
// (1 stdout, 2 stderr), three zero bytes, a big-endian 32-bit length, then
// that many bytes. Concatenates the payloads of stdout and stderr frames.
// A body that does not start like a frame (a TTY container) is returned
// as is; a truncated last frame keeps what arrived.
std::string demux_log_stream(std::string_view raw);

// The unix socket path named by DOCKER_HOST ("unix:///path"), or
// /var/run/docker.sock when it is unset or empty. Other schemes are
// refused: velo talks to local engines only.
Result<std::string> socket_path_from_docker_host(const char* docker_host);

// Percent-encodes a value for a URL query string.
std::string url_encode(std::string_view value);

struct UidGid {
  uid_t uid = 0;
  gid_t gid = 0;
};
// Parses the output of `id postgres`: "uid=999(postgres) gid=999(postgres) ...".
Result<UidGid> parse_id_output(const std::string& output);

// The last `lines` lines of `text`.
std::string last_lines(const std::string& text, int lines);

}  // namespace velo::runtime
