// What a kind of cluster adds to the plain path from files to a ready
// server, so that core/cluster.cc knows none of the kinds: an imported
// cluster (core/import/import_hooks.h) is reached through a private socket,
// may follow its source as a standby, and keeps velo's files in PGDATA/velo.
// Each hook decides from the data directory whether it applies.
#pragma once

#include "pg/config_files.h"
#include "pg/conn_params.h"
#include "util/result.h"

namespace velo::core {

struct BranchHandle;

class ClusterHooks {
 public:
  virtual ~ClusterHooks() = default;
  // Settings for velo.conf beyond the runtime's and velo's own; later
  // entries override earlier ones.
  virtual void add_settings(const BranchHandle& handle, pg::Settings& settings) const = 0;
  // Files to write or drop while a data directory is being prepared.
  virtual Status prepare_files(const BranchHandle& handle) const = 0;
  // How velo reaches the server when a password cannot (a standby).
  virtual void adjust_connection(const BranchHandle& handle, pg::ConnParams& params) const = 0;
  // The branch's server is gone for good (branch delete).
  virtual void removed(const BranchHandle& handle) const = 0;
};

}  // namespace velo::core
