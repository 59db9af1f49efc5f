#include "util/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace velo::interrupt {
namespace {

std::atomic<int> g_deferrals{0};
std::atomic<int> g_cleanups{0};
std::atomic<int> g_first_signal{0};
std::atomic<int> g_count{0};

std::string& outcome_text() {
  static std::string text;
  return text;
}

// Only async-signal-safe calls here: write and _exit.
void say(const char* line) { (void)!::write(STDERR_FILENO, line, std::strlen(line)); }

void on_signal(int sig) {
  if (g_deferrals.load() == 0) {
    say("velo: interrupted\n");
    ::_exit(128 + sig);
  }
  int expected = 0;
  g_first_signal.compare_exchange_strong(expected, sig);
  int count = ++g_count;
  if (count == 2) {
    say(g_cleanups.load() > 0
            ? "velo: still cleaning up after the interrupt; interrupt again to stop now and "
              "leave the rest to 'velo gc'\n"
            : "velo: stopping at the next step; interrupt again to stop now and leave the rest "
              "to 'velo gc'\n");
  } else if (count >= 3) {
    say("velo: stopped; 'velo gc' will remove what is left\n");
    ::_exit(128 + g_first_signal.load());
  }
}

}  // namespace

void install() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking poll or sleep returns EINTR, and its loop
  // looks at received().
  action.sa_flags = 0;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int received() { return g_first_signal.load(); }

Status check() {
  int sig = received();
  if (sig == 0 || cleaning_up()) return Status::Ok();
  return make_error(ErrorKind::Interrupted, "interrupted by {}",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
}

Deferral::Deferral() { ++g_deferrals; }
Deferral::Deferral(const Deferral&) { ++g_deferrals; }
Deferral::~Deferral() { --g_deferrals; }

Cleanup::Cleanup() { ++g_cleanups; }
Cleanup::~Cleanup() { --g_cleanups; }
bool cleaning_up() { return g_cleanups.load() > 0; }

void set_outcome(std::string outcome) { outcome_text() = std::move(outcome); }
const std::string& outcome() { return outcome_text(); }

void reset_for_tests() {
  g_first_signal = 0;
  g_count = 0;
  outcome_text().clear();
}

}  // namespace velo::interrupt
