// The cluster hooks of imported clusters (core/cluster_hooks.h), over the
// files of core/import/area.h. The real environment passes one in its
// Context; clusters velo made with initdb are left as they are.
#pragma once

#include "core/cluster_hooks.h"

namespace velo::core {

class ImportHooks : public ClusterHooks {
 public:
  void add_settings(const BranchHandle& handle, pg::Settings& settings) const override;
  Status prepare_files(const BranchHandle& handle) const override;
  void adjust_connection(const BranchHandle& handle, pg::ConnParams& params) const override;
  void removed(const BranchHandle& handle) const override;
};

}  // namespace velo::core
