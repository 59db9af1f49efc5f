// velo init: decide storage, ports and the server user for a velo home.
#pragma once

#include <optional>
#include <string>

#include "state/store.h"
#include "util/exec.h"

namespace velo::core {

struct InitOptions {
  std::string home;
  std::string storage = "auto";  // auto | zfs | btrfs | reflink | copy
  std::string zfs_parent;
  std::string path;
  std::string image_file;
  std::string image_size;  // "8G"
  std::string image_fs;    // zfs | btrfs | xfs
  std::string port_range;  // "54300-54999"
  std::string reserve;     // "5%": see Config::reserve_percent
  std::string os_user;     // default: postgres when root, else ourselves
};

struct InitResult {
  std::string storage;
  std::string location;  // dataset or directory
  std::string data_root;
};

Result<InitResult> init_home(state::Store& store, ProcessRunner& runner,
                             const InitOptions& options);

// A stable short name for a home's path (8 hex digits): its data root's
// under /var/lib/velo, its maintain timer's units (maintain_units.h).
std::string home_hash(const std::string& home);

// Where server-owned files go for `home` when servers run as another user.
std::string default_data_root(const std::string& home, bool separate_user);

}  // namespace velo::core
