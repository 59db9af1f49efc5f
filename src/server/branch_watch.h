// What the event stream says about branches: the state is polled once a
// second while someone listens, so changes made by the CLI (or another
// server) show as "branch" events within a second, like the API's own.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "server/event_hub.h"
#include "server/router.h"

namespace velo::server {

class BranchWatch {
 public:
  BranchWatch(const ServerParts& parts, EventHub& events) : parts_(parts), events_(events) {}
  ~BranchWatch() { stop(); }
  void start();
  void stop();
  // Every branch now, as branch_json gives it (the stream's "hello").
  Result<nlohmann::json> current();

 private:
  void poll();
  const ServerParts& parts_;
  EventHub& events_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, nlohmann::json> known_;  // by "P/B"; what was last published
  bool primed_ = false;
};

// GET /api/v1/events.
void add_event_route(httplib::Server& server, EventHub& events, BranchWatch& watch);

}  // namespace velo::server
