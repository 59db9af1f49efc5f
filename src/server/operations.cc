#include "server/operations.h"

#include "server/http_error.h"
#include "util/clock.h"
#include "util/time_format.h"

namespace velo::server {
namespace {

bool is_done(const nlohmann::json& operation) { return operation["status"] != "running"; }

std::string now_utc() { return format_utc(std::chrono::system_clock::now()); }

}  // namespace

// The core's progress lines, as steps of one operation.
class Operations::StepReporter : public core::Reporter {
 public:
  StepReporter(Operations& operations, std::string id)
      : operations_(operations), id_(std::move(id)) {}
  void step(const std::string& message) override { operations_.record_step(id_, message); }

 private:
  Operations& operations_;
  std::string id_;
};

Operations::~Operations() { join(); }

nlohmann::json Operations::start(const std::string& kind, const std::string& target, Work work) {
  std::lock_guard lock(mutex_);
  const int64_t number = next_id_++;
  const std::string id = std::to_string(number);
  nlohmann::json json = {{"id", id},
                         {"kind", kind},
                         {"target", target},
                         {"status", "running"},
                         {"started_at", now_utc()},
                         {"finished_at", nullptr},
                         {"steps", nlohmann::json::array()},
                         {"result", nullptr},
                         {"error", nullptr}};
  records_[number] = json;
  // Forget the oldest finished ones; running operations always stay.
  for (auto it = records_.begin(); records_.size() > kKeepFinished && it != records_.end();) {
    it = is_done(it->second) ? records_.erase(it) : std::next(it);
  }
  for (auto it = threads_.begin(); it != threads_.end();) {
    auto record = records_.find(it->first);
    if (record != records_.end() && !is_done(record->second)) {
      ++it;
      continue;
    }
    it->second.join();  // finished: at most the last lines of its lambda left
    it = threads_.erase(it);
  }
  threads_[number] = std::thread([this, id, work = std::move(work)] {
    StepReporter reporter(*this, id);
    Result<nlohmann::json> outcome = [&]() -> Result<nlohmann::json> {
      VELO_ASSIGN_OR_RETURN(auto env, open_(&reporter));
      return work(*env);
    }();
    finish(id, outcome);
  });
  events_.publish("operation", json);
  return json;
}

void Operations::record_step(const std::string& id, const std::string& message) {
  nlohmann::json copy;
  {
    std::lock_guard lock(mutex_);
    auto found = records_.find(std::stoll(id));
    if (found == records_.end()) return;
    found->second["steps"].push_back({{"at", now_utc()}, {"message", message}});
    copy = found->second;
  }
  publish(copy);
}

void Operations::finish(const std::string& id, const Result<nlohmann::json>& outcome) {
  on_finish_();
  nlohmann::json copy;
  {
    std::lock_guard lock(mutex_);
    auto found = records_.find(std::stoll(id));
    if (found == records_.end()) return;
    auto& json = found->second;
    json["finished_at"] = now_utc();
    if (outcome.ok()) {
      json["status"] = "succeeded";
      json["result"] = *outcome;
    } else {
      json["status"] = "failed";
      json["error"] = error_body(outcome.error())["error"];
    }
    // Published before the record is seen done: whoever waited for the end
    // finds its event already sent (the hub's lock never takes this one).
    publish(json);
  }
  finished_.notify_all();
}

void Operations::publish(const nlohmann::json& json) { events_.publish("operation", json); }

std::optional<nlohmann::json> Operations::get(const std::string& id) {
  return wait(id, std::chrono::milliseconds(0));
}

std::optional<nlohmann::json> Operations::wait(const std::string& id,
                                               std::chrono::milliseconds timeout) {
  int64_t number = 0;
  try {
    number = std::stoll(id);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::unique_lock lock(mutex_);
  finished_.wait_for(lock, timeout, [&] {
    auto found = records_.find(number);
    return found == records_.end() || is_done(found->second);
  });
  auto found = records_.find(number);
  if (found == records_.end()) return std::nullopt;
  return found->second;
}

nlohmann::json Operations::list() {
  std::lock_guard lock(mutex_);
  nlohmann::json list = nlohmann::json::array();
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) list.push_back(it->second);
  return list;
}

void Operations::join() {
  std::map<int64_t, std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& [number, thread] : threads) thread.join();
}

}  // namespace velo::server
