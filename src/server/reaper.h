// A long-running velo starts branch servers as its own children (native
// runtime), and the environment that started one is gone by the time that
// server stops: nobody would wait for it, and it would stay a zombie until
// velo serve exits. The reaper waits for children that have been zombies
// for a whole period, so it never takes the exit status of a child that
// a command running right now is about to wait for.
#pragma once

#include <sys/types.h>

#include <set>

namespace velo::server {

class ZombieReaper {
 public:
  // Reaps the zombies already seen by the previous call; returns how many.
  int sweep();

 private:
  std::set<pid_t> seen_;
};

}  // namespace velo::server
