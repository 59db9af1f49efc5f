// A program run on a pseudo-terminal, as a person at a terminal runs it:
// for the questions velo asks only there (cli/confirm.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace velo::e2e {

struct PtyResult {
  int exit_code = -1;  // -1: it did not end within the minute (then killed)
  std::string output;  // stdout and stderr as the terminal showed them
};

// Runs `argv` with `env` added to the environment on a new terminal, and
// types `answer` (a line) once the output shows `prompt`; when `prompt`
// never shows, nothing is typed.
PtyResult run_on_pty(const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env,
                     const std::string& prompt, const std::string& answer);

}  // namespace velo::e2e
