// What the Docker Engine sends back: inspect and list bodies, error
// bodies, multiplexed log streams, `id` output and DOCKER_HOST values.
#include "fuzz_check.h"
#include "runtime/docker_api.h"

using namespace velo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  fuzz::require_message(runtime::parse_container_inspect(text));
  fuzz::require_message(runtime::parse_container_list(text));
  (void)runtime::error_message(text);
  std::string logs = runtime::demux_log_stream(text);
  fuzz::require(logs.size() <= text.size());
  fuzz::require_message(runtime::parse_id_output(text));
  if (text.find('\0') == std::string::npos) {
    fuzz::require_message(runtime::socket_path_from_docker_host(text.c_str()));
  }
  std::string tail = runtime::last_lines(text, 3);
  fuzz::require(tail.size() <= text.size());
  return 0;
}
