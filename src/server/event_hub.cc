#include "server/event_hub.h"

#include <algorithm>

namespace velo::server {

std::string sse_frame(const std::string& event, const nlohmann::json& data) {
  // dump() escapes newlines inside strings, so the data is one line.
  return "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

std::optional<std::string> EventHub::Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return closed_ || !frames_.empty(); });
  if (frames_.empty()) return std::nullopt;
  std::string frame = std::move(frames_.front());
  frames_.pop_front();
  return frame;
}

bool EventHub::Subscription::closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::shared_ptr<EventHub::Subscription> EventHub::subscribe() {
  std::lock_guard lock(mutex_);
  if (closed_ || subscriptions_.size() >= max_subscribers_) return nullptr;
  auto subscription = std::make_shared<Subscription>();
  subscriptions_.push_back(subscription);
  return subscription;
}

void EventHub::unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard lock(mutex_);
  std::erase(subscriptions_, subscription);
}

size_t EventHub::subscribers() {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

void EventHub::publish(const std::string& event, const nlohmann::json& data) {
  const std::string frame = sse_frame(event, data);
  std::lock_guard lock(mutex_);
  for (auto& subscription : subscriptions_) {
    {
      std::lock_guard inner(subscription->mutex_);
      if (subscription->frames_.size() >= kQueueLimit) subscription->frames_.pop_front();
      subscription->frames_.push_back(frame);
    }
    subscription->ready_.notify_one();
  }
}

void EventHub::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (auto& subscription : subscriptions_) {
    {
      std::lock_guard inner(subscription->mutex_);
      subscription->closed_ = true;
    }
    subscription->ready_.notify_all();
  }
}

}  // namespace velo::server
