#include "runtime/runtime.h"

#include "util/fs.h"

namespace velo::runtime {

Status chown_data_dir(const std::string& data_dir, uid_t uid, gid_t gid) {
  return chown_copy(data_dir, uid, gid, {"pg_wal"});
}

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
