// SIGINT and SIGTERM, as velo handles them. Outside a deferral (a command
// that changes nothing), the first signal ends velo at once. Inside one
// (an operation under way, a project lock held) the first is remembered:
// the operation stops at its next step or poll, undoes what it made, and
// the CLI exits 128+signal with one line saying what was undone. A second
// signal says the cleanup is still running; a third ends velo at once,
// leaving what `velo gc` finds.
#pragma once

#include <string>

#include "util/result.h"

namespace velo::interrupt {

// Installs the handlers (once, at the start of main). Without it, signals
// keep their default action and nothing here ever reports one.
void install();

// The first SIGINT or SIGTERM received inside a deferral; 0 for none.
int received();
// An Interrupted error once a signal was received, else Ok: the check
// between steps and in waiting loops. Always Ok during a Cleanup: an
// undo's waits (restarting a server) run to their end.
Status check();

// While one exists, signals are remembered instead of ending velo. Each
// instance counts, copies too (so an object holding one can be moved).
class Deferral {
 public:
  Deferral();
  ~Deferral();
  Deferral(const Deferral&);
  Deferral& operator=(const Deferral&) = delete;
};

// While one exists, undo is running: a second signal is answered with
// "still cleaning up", and children are left to finish.
class Cleanup {
 public:
  Cleanup();
  ~Cleanup();
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
};
bool cleaning_up();

// What the interrupted operation did about it, for the CLI's last line
// ("branch shop/x was not created; nothing left behind").
void set_outcome(std::string outcome);
const std::string& outcome();

// Forgets a received signal (tests only).
void reset_for_tests();

}  // namespace velo::interrupt
