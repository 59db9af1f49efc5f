#include "support/fake_runner.h"

#include <algorithm>

namespace velo::testing {

void FakeRunner::on(std::vector<std::string> prefix, ExecResult result) {
  scripts_[std::move(prefix)].results.push_back(std::move(result));
}

void FakeRunner::succeed(std::vector<std::string> prefix, std::string out) {
  ExecResult result;
  result.out = std::move(out);
  on(std::move(prefix), std::move(result));
}

void FakeRunner::fail(std::vector<std::string> prefix, int code, std::string err) {
  ExecResult result;
  result.exit_code = code;
  result.err = std::move(err);
  on(std::move(prefix), std::move(result));
}

void FakeRunner::not_installed(std::vector<std::string> prefix) {
  scripts_[std::move(prefix)].missing = true;
}

Result<ExecResult> FakeRunner::run(const Command& command) {
  commands_.push_back(command);
  if (on_run) on_run(command);
  Script* best = nullptr;
  size_t best_length = 0;
  for (auto& [prefix, script] : scripts_) {
    bool matches = prefix.size() <= command.argv.size() &&
                   std::equal(prefix.begin(), prefix.end(), command.argv.begin());
    if (matches && (best == nullptr || prefix.size() > best_length)) {
      best = &script;
      best_length = prefix.size();
    }
  }
  if (best == nullptr) return fallback;
  if (best->missing) {
    return make_error(ErrorKind::Unavailable, "{}: command not found",
                      command.argv.empty() ? "" : command.argv[0]);
  }
  if (best->results.empty()) return fallback;
  const ExecResult& result = best->results[std::min(best->next, best->results.size() - 1)];
  best->next++;
  return result;
}

std::vector<std::string> FakeRunner::lines() const {
  std::vector<std::string> out;
  for (const auto& command : commands_) {
    std::string line;
    for (const auto& arg : command.argv) line += (line.empty() ? "" : " ") + arg;
    out.push_back(std::move(line));
  }
  return out;
}

int FakeRunner::count(const std::string& prefix) const {
  int n = 0;
  for (const auto& line : lines()) n += line.starts_with(prefix) ? 1 : 0;
  return n;
}

}  // namespace velo::testing
