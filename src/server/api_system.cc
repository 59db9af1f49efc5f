// /api/v1/status, /doctor, /operations and /audit.
#include "app/reports.h"
#include "core/branch/inspect.h"
#include "core/project/doctor.h"
#include "server/router.h"

namespace velo::server {
namespace {

Result<std::chrono::milliseconds> wait_for(const Call& call) {
  auto text = call.query("wait");
  if (!text) return std::chrono::milliseconds(0);
  char* end = nullptr;
  const double seconds = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !(seconds >= 0 && seconds <= 60)) {
    return make_error(ErrorKind::Invalid, "?wait= takes seconds from 0 to 60");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

Result<int64_t> limit_of(const Call& call) {
  auto text = call.query("limit");
  if (!text) return 100;
  char* end = nullptr;
  const long long limit = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || limit < 1 || limit > 10000) {
    return make_error(ErrorKind::Invalid, "?limit= takes 1 to 10000");
  }
  return limit;
}

}  // namespace

void add_system_routes(Router& router) {
  router.get_light("/status", [&router](const Call&) -> Result<Reply> {
    const ServerParts& parts = router.parts();
    VELO_ASSIGN_OR_RETURN(auto list, parts.branches.branches(std::nullopt));
    return Reply{200, {{"home", parts.home}, {"storage", parts.storage}, {"branches", list}}};
  });
  router.get("/doctor", [](const Call& call) -> Result<Reply> {
    return Reply{200, app::doctor_json(core::run_doctor(call.env().ctx()))};
  });
  router.get_light("/operations", [&router](const Call&) -> Result<Reply> {
    return Reply{200, router.parts().operations.list()};
  });
  router.get_light("/operations/([^/]+)", [&router](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(auto timeout, wait_for(call));
    auto operation = router.parts().operations.wait(call.capture(1), timeout);
    if (!operation) {
      return make_error(ErrorKind::NotFound, "no operation {}", core::printable(call.capture(1)));
    }
    return Reply{200, *operation};
  });
  router.get("/audit", [](const Call& call) -> Result<Reply> {
    VELO_ASSIGN_OR_RETURN(int64_t limit, limit_of(call));
    VELO_ASSIGN_OR_RETURN(auto entries, call.env().ctx().store.audit(limit));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : entries) {
      list.push_back({{"id", e.id},
                      {"at", e.at},
                      {"actor", e.actor},
                      {"method", e.method},
                      {"path", e.path},
                      {"status", e.status}});
    }
    return Reply{200, list};
  });
}

}  // namespace velo::server
