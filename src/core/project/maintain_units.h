// The systemd units that run `velo maintain` every minute for one home:
// their names and their text, pure (maintain_timer.h writes and enables
// them). Several homes can share a host, so the names carry the home's
// hash (home_hash, as its data root does): velo-maintain-<hash>.service
// and velo-maintain-<hash>.timer.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::core {

struct MaintainUnits {
  std::string service;       // velo-maintain-<hash>.service
  std::string timer;         // velo-maintain-<hash>.timer
  std::string service_text;  // runs `<velo> --home <home> maintain` once
  std::string timer_text;    // starts the service a minute after boot, then every minute
};

// The unit names of `home`: {service, timer}, texts empty.
MaintainUnits maintain_unit_names(const std::string& home);

// The units for `home`, run by `velo_binary` as `user`. Invalid when the
// home or the binary is not an absolute path, or when a path or the user
// holds a control character (a unit file is a file of lines).
Result<MaintainUnits> maintain_units(const std::string& home, const std::string& velo_binary,
                                     const std::string& user);

// One word of an ExecStart= line as systemd reads it back: '%' and '$'
// doubled, and in double quotes (with '\' and '"' escaped) when it holds
// whitespace, quotes, a backslash or a ';', or is empty.
std::string systemd_exec_word(const std::string& word);

}  // namespace velo::core
