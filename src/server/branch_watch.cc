#include "server/branch_watch.h"

#include "app/reports.h"
#include "core/branch/inspect.h"
#include "server/http_error.h"

namespace velo::server {
namespace {

constexpr auto kPollEvery = std::chrono::seconds(1);
constexpr auto kKeepalive = std::chrono::seconds(15);

// Sizes change with every write; an event per branch per second for
// them would drown the ones that matter. The list and show carry them.
Result<std::map<std::string, nlohmann::json>> snapshot_of(const ServerParts& parts) {
  VELO_ASSIGN_OR_RETURN(auto env, parts.open());
  VELO_ASSIGN_OR_RETURN(auto branches, core::describe_branches(env->ctx(), std::nullopt, false));
  std::map<std::string, nlohmann::json> out;
  for (const auto& b : branches) {
    out.emplace(b.project + "/" + b.branch, app::branch_json(b));
  }
  return out;
}

}  // namespace

void BranchWatch::start() {
  thread_ = std::thread([this] {
    while (!stopping_) {
      if (events_.subscribers() > 0) {
        poll();
      } else {
        std::lock_guard lock(mutex_);
        primed_ = false;  // nobody listened meanwhile: no events for that time
      }
      for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(kPollEvery / 10);
    }
  });
}

void BranchWatch::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void BranchWatch::poll() {
  auto now = snapshot_of(parts_);
  if (!now.ok()) return;  // a busy state database: next second
  std::lock_guard lock(mutex_);
  if (primed_) {
    for (const auto& [name, branch] : *now) {
      auto before = known_.find(name);
      if (before == known_.end()) {
        events_.publish("branch", {{"action", "created"}, {"branch", branch}});
      } else if (before->second != branch) {
        events_.publish("branch", {{"action", "changed"}, {"branch", branch}});
      }
    }
    for (const auto& [name, branch] : known_) {
      if (!now->contains(name))
        events_.publish("branch", {{"action", "deleted"}, {"branch", branch}});
    }
  }
  known_ = std::move(*now);
  primed_ = true;
}

Result<nlohmann::json> BranchWatch::current() {
  VELO_ASSIGN_OR_RETURN(auto now, snapshot_of(parts_));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, branch] : now) list.push_back(branch);
  // The next poll compares with what this client was just told, so that
  // nothing between its hello and that poll goes unreported.
  std::lock_guard lock(mutex_);
  if (!primed_) {
    known_ = std::move(now);
    primed_ = true;
  }
  return list;
}

void add_event_route(httplib::Server& server, EventHub& events, BranchWatch& watch) {
  server.Get(
      "/api/v1/events", [&events, &watch](const httplib::Request&, httplib::Response& response) {
        auto subscription = events.subscribe();
        if (!subscription) {
          send_json(response, 503, error_body("busy", "too many event streams are open"));
          return;
        }
        auto hello = watch.current();
        if (!hello.ok()) {
          events.unsubscribe(subscription);
          send_json(response, http_status(hello.error().kind), error_body(hello.error()));
          return;
        }
        response.set_header("Cache-Control", "no-store");
        response.set_header("X-Accel-Buffering", "no");
        auto first = std::make_shared<std::string>(sse_frame("hello", {{"branches", *hello}}));
        response.set_chunked_content_provider(
            "text/event-stream",
            [subscription, first](size_t, httplib::DataSink& sink) {
              if (!first->empty()) {
                std::string frame = std::move(*first);
                first->clear();
                return sink.write(frame.data(), frame.size());
              }
              auto frame = subscription->next(kKeepalive);
              if (subscription->closed()) return false;
              const std::string text = frame ? *frame : std::string(": keepalive\n\n");
              return sink.write(text.data(), text.size());
            },
            [&events, subscription](bool) { events.unsubscribe(subscription); });
      });
}

}  // namespace velo::server
