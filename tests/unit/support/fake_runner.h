// A scripted ProcessRunner for unit tests: records every command and
// answers from a script keyed by argv prefix, so tests check the exact
// command lines a component runs and how it reads their output.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "util/exec.h"

namespace velo::testing {

class FakeRunner : public ProcessRunner {
 public:
  // Commands whose argv starts with `prefix` get `result`. Several
  // results for one prefix are returned in order, the last one repeating.
  // The longest matching prefix wins.
  void on(std::vector<std::string> prefix, ExecResult result);
  // Shorthands: exit 0 with `out`; exit `code` with `err`.
  void succeed(std::vector<std::string> prefix, std::string out = "");
  void fail(std::vector<std::string> prefix, int code, std::string err);
  // Commands whose argv starts with `prefix` cannot even be started.
  void not_installed(std::vector<std::string> prefix);

  Result<ExecResult> run(const Command& command) override;

  const std::vector<Command>& commands() const { return commands_; }
  // Each recorded argv joined with single spaces.
  std::vector<std::string> lines() const;
  // How many recorded commands start with `prefix` (joined like lines()).
  int count(const std::string& prefix) const;

  // Answer for commands matching no prefix: exit 0, no output.
  ExecResult fallback;
  // Called with each command before it is answered: a test's look at the
  // world while the command "runs".
  std::function<void(const Command&)> on_run;

 private:
  struct Script {
    std::vector<ExecResult> results;
    size_t next = 0;
    bool missing = false;
  };
  std::map<std::vector<std::string>, Script> scripts_;
  std::vector<Command> commands_;
};

}  // namespace velo::testing
