// Server-sent events: what changed (branches, operations) fanned out to
// every connected client, each with its own bounded queue so that a slow
// client loses its oldest events instead of holding the others up.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace velo::server {

// One event as the stream carries it: "event: NAME\ndata: JSON\n\n".
std::string sse_frame(const std::string& event, const nlohmann::json& data);

class EventHub {
 public:
  class Subscription {
   public:
    // The next frame, or nullopt after `timeout` (send a keepalive) or once
    // the hub closed (end the stream; then closed() is true).
    std::optional<std::string> next(std::chrono::milliseconds timeout);
    bool closed();

   private:
    friend class EventHub;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> frames_;
    bool closed_ = false;
  };

  explicit EventHub(size_t max_subscribers) : max_subscribers_(max_subscribers) {}

  // Null when max_subscribers are connected already.
  std::shared_ptr<Subscription> subscribe();
  void unsubscribe(const std::shared_ptr<Subscription>& subscription);
  size_t subscribers();

  void publish(const std::string& event, const nlohmann::json& data);
  // Ends every stream (server shutdown).
  void close();

 private:
  static constexpr size_t kQueueLimit = 1000;
  size_t max_subscribers_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  bool closed_ = false;
};

}  // namespace velo::server
