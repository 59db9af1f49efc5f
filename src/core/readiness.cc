#include "core/readiness.h"

#include <fmt/format.h>

#include "core/branch/connection.h"
#include "util/interrupt.h"
#include "util/timings.h"

namespace velo::core {

Status wait_until_up(Context& ctx, BranchHandle& handle, const ReadyWait& wait) {
  timings::Scope span("ready");  // recovery, then the first ping
  // Over TCP, and without a password: the ping then ends at the server's
  // authentication request, which already says it is up (libpq's PQping),
  // and the server logs nothing; with one, or by peer on the admin socket,
  // each ping is a whole login and a backend's start.
  pg::ConnParams params = login_params(handle);
  params.connect_timeout_s = 2;
  params.password.clear();
  auto started = ctx.clock.monotonic();
  auto deadline = started + wait.timeout;
  bool announced = false;
  // Poll tightly: a clone's crash recovery usually takes milliseconds, and
  // every millisecond of sleep here is a millisecond of branch creation.
  auto interval = std::chrono::microseconds(500);
  // Whether the server still runs is asked less often: for docker each
  // question is a request to the engine, which competes with the start.
  constexpr auto kAliveEvery = std::chrono::milliseconds(50);
  auto next_alive_check = started;
  // `done` logs in: asked at most this often.
  constexpr auto kDoneEvery = std::chrono::milliseconds(10);
  auto next_done_check = started;
  while (true) {
    VELO_TRY(interrupt::check());
    std::string status = postmaster_status(handle.spec.data_dir);
    // "ready" once it accepts connections, a hot standby's read-only ones
    // too; "standby" is a server in recovery that refuses them.
    bool up = status == "ready";
    if (up && wait.not_yet && wait.not_yet()) up = false;
    if (up && wait.done && ctx.clock.monotonic() < next_done_check) up = false;
    if (up && ctx.pg.ping(params) == pg::PingStatus::Ok) {
      if (!wait.done) return Status::Ok();
      auto done = wait.done();
      if (done.ok() && *done) return Status::Ok();
      next_done_check = ctx.clock.monotonic() + kDoneEvery;
    }
    if (wait.on_poll) wait.on_poll(status);
    auto now = ctx.clock.monotonic();
    if (now >= next_alive_check) {
      Status alive = handle.runtime->check_alive(handle.spec);
      if (!alive.ok()) return wait.on_exit ? wait.on_exit(alive.error()) : alive.error();
      next_alive_check = now + kAliveEvery;
    }
    if (now >= deadline) {
      return make_error(ErrorKind::Timeout, "{}/{} did not {} within {} s; last log lines:\n{}",
                        handle.project.name, handle.branch.name, wait.goal, wait.timeout.count(),
                        handle.runtime->log_tail(handle.spec, 10));
    }
    if (!announced && !wait.on_poll && now - started > std::chrono::seconds(3)) {
      ctx.reporter.step(fmt::format("waiting for {}/{} to finish recovery", handle.project.name,
                                    handle.branch.name));
      announced = true;
    }
    ctx.clock.sleep_for(interval);
    if (interval < std::chrono::microseconds(5000)) interval += std::chrono::microseconds(250);
  }
}

}  // namespace velo::core
