// Long work started over the API (branch create and point in time,
// reset, project create, diff, merge, revert): each runs on a thread of
// its own with an environment of its own, and the request answers at once
// with the operation's id. Progress steps, the result and the error are
// kept here and published as "operation" events.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "app/environment.h"
#include "server/event_hub.h"

namespace velo::server {

class Operations {
 public:
  // Opens an environment whose progress goes to `reporter`.
  using EnvironmentFactory =
      std::function<Result<std::unique_ptr<app::Environment>>(core::Reporter* reporter)>;
  // The work: its result, as the operation's "result".
  using Work = std::function<Result<nlohmann::json>(app::Environment& env)>;

  // `finished` runs when an operation ends, before anyone waiting hears.
  Operations(EnvironmentFactory open, std::function<void()> finished, EventHub& events)
      : open_(std::move(open)), on_finish_(std::move(finished)), events_(events) {}
  ~Operations();
  Operations(const Operations&) = delete;
  Operations& operator=(const Operations&) = delete;

  // Starts `work` and returns the operation as it is now (running).
  nlohmann::json start(const std::string& kind, const std::string& target, Work work);
  std::optional<nlohmann::json> get(const std::string& id);
  // Waits until the operation finished or `timeout` passed.
  std::optional<nlohmann::json> wait(const std::string& id, std::chrono::milliseconds timeout);
  // Newest first.
  nlohmann::json list();
  // Waits for every running operation (server shutdown).
  void join();

 private:
  class StepReporter;
  void record_step(const std::string& id, const std::string& message);
  void finish(const std::string& id, const Result<nlohmann::json>& outcome);
  void publish(const nlohmann::json& json);

  static constexpr size_t kKeepFinished = 200;
  EnvironmentFactory open_;
  std::function<void()> on_finish_;
  EventHub& events_;
  std::mutex mutex_;
  std::condition_variable finished_;
  int64_t next_id_ = 1;
  std::map<int64_t, nlohmann::json> records_;  // by number; done once "status" is not running
  std::map<int64_t, std::thread> threads_;     // joined once finished, at the next start
};

}  // namespace velo::server
