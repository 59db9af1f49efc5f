#include "core/undo.h"

#include <fmt/format.h>

#include <cstdio>

namespace velo::core {

void UndoStack::rollback() {
  while (!steps_.empty()) {
    auto [what, undo] = std::move(steps_.back());
    steps_.pop_back();
    Status status = undo();
    if (!status.ok()) {
      fmt::print(stderr, "velo: warning: could not undo {}: {}\n", what, status.error().message);
    }
  }
}

}  // namespace velo::core
