#include "core/undo.h"

#include <fmt/format.h>

#include <cstdio>

namespace velo::core {

bool UndoStack::rollback() {
  bool all_undone = true;
  while (!steps_.empty()) {
    auto [what, undo] = std::move(steps_.back());
    steps_.pop_back();
    Status status = undo();
    if (!status.ok()) {
      fmt::print(stderr, "velo: warning: could not undo {}: {}\n", what, status.error().message);
      all_undone = false;
    }
  }
  return all_undone;
}

}  // namespace velo::core
