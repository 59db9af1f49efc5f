#include "server/branch_cache.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "app/environment.h"
#include "app/reports.h"
#include "core/branch/inspect.h"
#include "server/http_error.h"
#include "server/router.h"
#include "state/store.h"

namespace velo::server {
namespace {

constexpr auto kRefreshEvery = std::chrono::milliseconds(1000);
constexpr auto kKeepalive = std::chrono::seconds(15);
constexpr int kRefreshNice = 19;
constexpr auto kRemeasureAfter = std::chrono::seconds(30);

// Sizes change with every write: not a change worth an event.
bool same_but_size(nlohmann::json a, nlohmann::json b) {
  for (const char* key :
       {"logical_bytes", "unique_bytes", "snapshot_bytes", "archive_bytes", "space_measured_at"}) {
    a.erase(key);
    b.erase(key);
  }
  return a == b;
}

}  // namespace

BranchCache::~BranchCache() { stop(); }

void BranchCache::start() {
  thread_ = std::thread([this] {
    // Requests come first: this thread and the disk walks it starts (their
    // processes inherit its nice value; on Linux it is per thread) use
    // what CPU the requests leave.
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kRefreshNice);
    while (!stopping_) {
      // A busy state database: the next second. Each new failure is said once.
      Status status = refresh(false);
      std::string failure = status.ok() ? "" : status.error().message;
      if (!failure.empty() && failure != last_failure_) {
        fmt::print(stderr, "velo serve: cannot read the branches: {}\n", failure);
      }
      last_failure_ = failure;
      for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(kRefreshEvery / 10);
    }
  });
}

void BranchCache::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

Result<app::Environment*> BranchCache::environment() {
  if (!env_) {
    static core::SilentReporter silent;
    VELO_ASSIGN_OR_RETURN(env_, app::Environment::open({home_, false, &silent}));
  }
  return env_.get();
}

Status BranchCache::refresh(bool only_if_stale) {
  std::lock_guard refreshing(refresh_mutex_);
  // Someone else refreshed while this reader waited for the lock.
  if (only_if_stale && loaded_ && !stale_) return Status::Ok();
  stale_ = false;  // a change from now on is seen by the next refresh
  Status status = read_branches();
  if (status.ok()) {
    loaded_ = true;
  } else {
    stale_ = true;  // readers try again rather than see an old list
  }
  return status;
}

// Disk use costs a walk of the volume and its snapshots on some drivers
// (btrfs filesystem du, the copy driver's walk): a branch seen first takes
// what the space cache knows (measuring only what it lacks), and then a
// few volumes a refresh, those measured longest ago first and none
// measured in the last kRemeasureAfter, keep the cost flat whatever the
// number of branches, and the refresh (which carries the events) quick.
void BranchCache::measure_some(core::Context& ctx, const std::vector<core::BranchInfo>& branches) {
  auto measure = [&](const std::vector<const core::BranchInfo*>& which, core::SpaceMaxAge age) {
    std::vector<std::string> volumes;
    volumes.reserve(which.size());
    for (const auto* b : which) volumes.push_back(b->volume);
    auto measures = core::measure_volumes(ctx, volumes, age);
    for (const auto* b : which) {
      Space& space = space_[b->project + "/" + b->branch];
      space.measured_at = std::chrono::steady_clock::now();
      auto found = measures.find(b->volume);
      if (found != measures.end()) space.measure = found->second;
    }
  };
  std::vector<const core::BranchInfo*> unseen;
  std::vector<std::pair<std::chrono::steady_clock::time_point, const core::BranchInfo*>> due;
  for (const auto& b : branches) {
    auto known = space_.find(b.project + "/" + b.branch);
    if (known == space_.end()) {
      unseen.push_back(&b);
    } else if (std::chrono::steady_clock::now() - known->second.measured_at > kRemeasureAfter) {
      due.emplace_back(known->second.measured_at, &b);
    }
  }
  if (!unseen.empty()) measure(unseen, core::kListSpaceAge);
  const size_t count = std::min(due.size(), kMeasurePerRefresh);
  std::partial_sort(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(count), due.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const core::BranchInfo*> oldest;
  oldest.reserve(count);
  for (size_t i = 0; i < count; ++i) oldest.push_back(due[i].second);
  if (!oldest.empty()) measure(oldest, core::SpaceMaxAge{0});
}

Status BranchCache::read_branches() {
  VELO_ASSIGN_OR_RETURN(auto* env, environment());
  auto& ctx = env->ctx();
  VELO_ASSIGN_OR_RETURN(auto branches, core::describe_branches(ctx, std::nullopt, core::kNoSpace));
  VELO_ASSIGN_OR_RETURN(auto projects, ctx.store.projects());
  measure_some(ctx, branches);
  std::map<std::string, nlohmann::json> fresh;
  for (auto& b : branches) {
    const std::string name = b.project + "/" + b.branch;
    auto known = space_.find(name);
    if (known != space_.end()) b.space = known->second.measure;
    fresh.emplace(name, app::branch_json(b));
  }
  std::erase_if(space_, [&](const auto& entry) { return !fresh.contains(entry.first); });
  nlohmann::json all = nlohmann::json::array();
  for (const auto& [name, branch] : fresh) all.push_back(branch);
  std::string all_text = all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  for (const auto& [name, branch] : fresh) {
    auto before = known_.find(name);
    if (before == known_.end()) {
      events_.publish("branch", {{"action", "created"}, {"branch", branch}});
    } else if (!same_but_size(before->second, branch)) {
      events_.publish("branch", {{"action", "changed"}, {"branch", branch}});
    }
  }
  for (const auto& [name, branch] : known_) {
    if (!fresh.contains(name))
      events_.publish("branch", {{"action", "deleted"}, {"branch", branch}});
  }
  known_ = std::move(fresh);
  all_text_ = std::move(all_text);
  projects_.clear();
  for (const auto& p : projects) projects_.insert(p.name);
  return Status::Ok();
}

Result<std::string> BranchCache::all_branches_text() {
  if (stale_ || !loaded_) VELO_TRY(refresh(true));
  std::lock_guard lock(mutex_);
  return all_text_;
}

Result<nlohmann::json> BranchCache::branches(const std::optional<std::string>& project) {
  if (stale_ || !loaded_) VELO_TRY(refresh(true));
  std::lock_guard lock(mutex_);
  if (project && !projects_.contains(*project)) {
    return make_error(ErrorKind::NotFound, "no project {}", core::printable(*project));
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, branch] : known_) {
    if (!project || branch["project"] == *project) list.push_back(branch);
  }
  return list;
}

void add_event_route(httplib::Server& server, EventHub& events, BranchCache& cache) {
  server.Get(
      "/api/v1/events", [&events, &cache](const httplib::Request&, httplib::Response& response) {
        // Subscribed before the list is read: a change in between is sent too.
        auto subscription = events.subscribe();
        if (!subscription) {
          send_json(response, 503, error_body("busy", "too many event streams are open"));
          return;
        }
        auto hello = cache.branches(std::nullopt);
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
