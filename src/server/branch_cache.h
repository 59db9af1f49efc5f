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
#include <vector>

#include "core/branch/inspect.h"
#include "core/context.h"
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
  // Every branch as the JSON text of that list, made once per refresh:
  // the most frequent request costs a copy of a string.
  Result<std::string> all_branches_text();

 private:
  // Reads the branches again; `only_if_stale`: unless another thread did
  // since this one found the list stale.
  Status refresh(bool only_if_stale);
  Status read_branches();  // refresh's work, under refresh_mutex_
  void measure_some(core::Context& ctx, const std::vector<core::BranchInfo>& branches);
  Result<app::Environment*> environment();

  static constexpr size_t kMeasurePerRefresh = 2;
  struct Space {
    std::optional<core::VolumeMeasure> measure;
    std::chrono::steady_clock::time_point measured_at;
  };
  std::string home_;
  EventHub& events_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stale_{true};
  std::atomic<bool> loaded_{false};  // a first read succeeded
  std::thread thread_;
  std::string last_failure_;  // the refresh thread's own
  std::mutex refresh_mutex_;  // one refresh at a time; it owns env_
  std::unique_ptr<app::Environment> env_;
  std::map<std::string, Space> space_;  // "P/B": disk use, a few volumes measured per refresh
  std::mutex mutex_;                    // guards what readers see
  std::map<std::string, nlohmann::json> known_;  // "P/B": branch_json
  std::string all_text_;                         // known_ as a JSON array
  std::set<std::string> projects_;
};

// GET /api/v1/events.
void add_event_route(httplib::Server& server, EventHub& events, BranchCache& cache);

}  // namespace velo::server
