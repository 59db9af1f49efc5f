#include "core/import/import_hooks.h"

#include "core/import/area.h"

namespace velo::core {

void ImportHooks::add_settings(const BranchHandle& handle, pg::Settings& settings) const {
  add_import_settings(handle, settings);
}

Status ImportHooks::prepare_files(const BranchHandle& handle) const {
  return prepare_import_files(handle);
}

void ImportHooks::adjust_connection(const BranchHandle& handle, pg::ConnParams& params) const {
  use_admin_socket(handle, params);
}

void ImportHooks::removed(const BranchHandle& handle) const {
  if (has_admin_socket(handle.spec.data_dir)) remove_admin_socket(handle.spec.port);
}

}  // namespace velo::core
