// The steps of an operation register how to undo themselves; unless the
// operation commits, the undos run in reverse order when the stack goes
// away. Undo failures are reported but do not stop the other undos.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace velo::core {

class UndoStack {
 public:
  UndoStack() = default;
  UndoStack(const UndoStack&) = delete;
  UndoStack& operator=(const UndoStack&) = delete;
  ~UndoStack() { rollback(); }

  void push(std::string what, std::function<Status()> undo) {
    steps_.emplace_back(std::move(what), std::move(undo));
  }
  void commit() { steps_.clear(); }
  // Runs the undos now, newest first; false when one of them failed (each
  // failure is printed as a warning).
  bool rollback();
  bool empty() const { return steps_.empty(); }

 private:
  std::vector<std::pair<std::string, std::function<Status()>>> steps_;
};

}  // namespace velo::core
