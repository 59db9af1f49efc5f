// The options every command takes, before or after its name.
#pragma once

#include <string>

namespace velo::cli {

struct GlobalOptions {
  std::string home;  // --home
  bool json = false;
  bool verbose = false;
  bool timings = false;  // --timings: where the time went, on stderr
  bool version = false;  // --version: what `velo version` prints
};

}  // namespace velo::cli
