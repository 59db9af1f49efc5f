// The one shape of every operation: named steps, each registering its undo,
// until commit(); then a cleanup phase whose failures are warnings, never a
// failed exit (what it leaves, `velo gc` finishes). Without commit() the
// undos run in reverse order when the Operation goes away.
//
// Step names ("clone", "start", ...) are what VELO_FAULT (core/fault.h)
// and progress refer to. Not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/undo.h"
#include "util/result.h"

namespace velo::core {

class Operation {
 public:
  explicit Operation(std::string name) : name_(std::move(name)) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  const std::string& name() const { return name_; }

  // Runs one step: first any injected fault, then `action`.
  Status step(std::string_view step, const std::function<Status()>& action);
  // Registers how to undo what a step made.
  void undo(std::string what, std::function<Status()> undo) {
    undo_.push(std::move(what), std::move(undo));
  }
  // The operation took effect: nothing is undone from here on.
  void commit() { undo_.commit(); }
  // After commit: work that completes the operation but whose failure
  // does not undo it (removing the old incarnation of a reset branch).
  // A failure is printed as a warning and left for `velo gc`.
  void cleanup(std::string_view what, const std::function<Status()>& work);

 private:
  std::string name_;
  UndoStack undo_;
};

}  // namespace velo::core
