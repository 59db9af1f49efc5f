// The one shape of every operation: named steps, each registering its undo,
// until commit(); then a cleanup phase whose failures are warnings, never a
// failed exit (what it leaves, `velo gc` finishes). Without commit() the
// undos run in reverse order when the Operation goes away.
//
// Step names ("clone", "start", ...) are what VELO_FAULT (core/fault.h)
// and progress refer to. Not thread-safe.
//
// While it exists, SIGINT and SIGTERM are deferred (util/interrupt.h): the
// next step, or the wait inside the current one, fails as Interrupted, the
// undos run, and the CLI's last line says what was undone.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/undo.h"
#include "util/interrupt.h"
#include "util/result.h"
#include "util/timings.h"

namespace velo::core {

class Operation {
 public:
  // `rolled_back` says what an undone operation means to the user
  // ("branch shop/x was not created"); by default, "<name> was rolled back".
  explicit Operation(std::string name, std::string rolled_back = {})
      : name_(std::move(name)), rolled_back_(std::move(rolled_back)), span_(name_) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;
  ~Operation();

  const std::string& name() const { return name_; }

  // Runs one step: first any interrupt or injected fault, then `action`.
  // A step that fails after an interrupt fails as Interrupted.
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
  std::string rolled_back_;
  timings::Scope span_;           // the whole operation, its undo included
  interrupt::Deferral deferral_;  // before undo_: the undos run deferred
  UndoStack undo_;
};

// For an undo registered before its step ran: a step cut short (its
// child stopped by an interrupt, say) may or may not have made its thing,
// and what it did not make is not there to remove.
inline Status ok_if_absent(Status status) {
  if (!status.ok() && status.error().kind == ErrorKind::NotFound) return Status::Ok();
  return status;
}

}  // namespace velo::core
