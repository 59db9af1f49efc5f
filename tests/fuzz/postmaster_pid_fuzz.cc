// PGDATA/postmaster.pid as the native runtime reads it: a garbled file
// names no process, and nothing is ever taken for pid 0 or a process group.
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fuzz_check.h"
#include "runtime/postmaster.h"

using namespace velo;

namespace {

const std::string& data_dir() {
  static const std::string dir = [] {
    char pattern[] = "/tmp/velo-fuzz-pgdata-XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) std::abort();
    return std::string(made);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream file(data_dir() + "/postmaster.pid", std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto pid = runtime::read_postmaster_pid(data_dir());
  if (pid) fuzz::require(*pid > 0);
  // The fuzzer's own pid is live but is not a postgres serving this
  // directory: it must never be taken for one.
  fuzz::require(!runtime::live_postmaster_of(data_dir()) ||
                *runtime::live_postmaster_of(data_dir()) != getpid());
  return 0;
}
