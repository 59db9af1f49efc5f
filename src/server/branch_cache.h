// Every branch as the API lists it, kept fresh by a thread that reads the
// state and the servers once a second: lists answer from memory (fast
// with a hundred branches), and what changed, through the API or the CLI
// alike, becomes a "branch" event within a second. A change made through
// the API marks the list stale, so the next read refreshes first and a
// script never lists what it just changed as it was before.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "server/event_hub.h"
#include "util/result.h"

namespace velo::app {
class Environment;
}

namespace velo::server {

class BranchCache {
 public:
  BranchCache(std::string home, EventHub& events) : home_(std::move(home)), events_(events) {}
  ~BranchCache();
  void start();
  void stop();
  // After a change through the API: the next read refreshes first.
  void invalidate() { stale_ = true; }
  // The branches of `project` (every project's if none), as branch_json
  // gives them; NotFound for an unknown project.
  Result<nlohmann::json> branches(const std::optional<std::string>& project);

 private:
  // Reads the branches again; `only_if_stale`: unless another thread did
  // since this one found the list stale.
  Status refresh(bool only_if_stale);
  Status read_branches();  // refresh's work, under refresh_mutex_
  Result<app::Environment*> environment();

  static constexpr auto kSpaceEvery = std::chrono::seconds(10);
  std::string home_;
  EventHub& events_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stale_{true};
  std::atomic<bool> loaded_{false};  // a first read succeeded
  std::thread thread_;
  std::string last_failure_;  // the refresh thread's own
  std::mutex refresh_mutex_;  // one refresh at a time; it owns env_
  std::unique_ptr<app::Environment> env_;
  std::chrono::steady_clock::time_point space_measured_{};
  std::map<std::string, uint64_t> space_;        // "P/B": used bytes, measured every kSpaceEvery
  std::mutex mutex_;                             // guards what readers see
  std::map<std::string, nlohmann::json> known_;  // "P/B": branch_json
  std::set<std::string> projects_;
};

// GET /api/v1/events.
void add_event_route(httplib::Server& server, EventHub& events, BranchCache& cache);

}  // namespace velo::server
