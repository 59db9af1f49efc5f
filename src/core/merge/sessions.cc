#include "core/merge/sessions.h"

namespace velo::core {

Result<pg::Session*> DatabaseSessions::get(const std::string& database) {
  const std::string name = database.empty() ? "postgres" : database;
  auto it = sessions_.find(name);
  if (it != sessions_.end()) return it->second.get();
  pg::ConnParams params = params_;
  params.dbname = name;
  VELO_ASSIGN_OR_RETURN(auto session, client_.connect(params));
  pg::Session* raw = session.get();
  sessions_.emplace(name, std::move(session));
  return raw;
}

double elapsed_ms(std::chrono::steady_clock::time_point from,
                  std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace velo::core
