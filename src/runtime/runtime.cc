#include "runtime/runtime.h"

namespace velo::runtime {

const char* to_string(ClusterState state) {
  switch (state) {
    case ClusterState::Running:
      return "running";
    case ClusterState::Stopped:
      return "stopped";
    case ClusterState::Missing:
      return "missing";
  }
  return "unknown";
}

}  // namespace velo::runtime
