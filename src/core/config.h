// What `velo init` decides once for a velo home: storage, ports, where
// server data lives, and which OS user servers run as.
#pragma once

#include <cstdint>
#include <string>

#include "state/store.h"
#include "storage/driver.h"
#include "util/result.h"

namespace velo::core {

struct Config {
  storage::DriverConfig storage;
  // Clear of X11 (6000-6063) and of PostgreSQL's own 5432.
  int port_min = 54300;
  int port_max = 54999;
  // Server-owned files (logs excepted) live here, outside the 0700 home,
  // because servers run as another OS user than root.
  std::string data_root;
  std::string os_user;  // servers run as this user
  // Create, reset and snapshot create refuse while the pool has less than
  // this share free, so that running branches can still write their WAL.
  int reserve_percent = 5;
};

Result<Config> load_config(state::Store& store);  // NotFound before `velo init`
Status save_config(state::Store& store, const Config& config);

// "10%" or "10" -> reserve_percent (0-50); Invalid otherwise.
Status parse_reserve(const std::string& text, Config& config);

// "6000-6999" -> range; Invalid otherwise.
Status parse_port_range(const std::string& text, Config& config);

}  // namespace velo::core
