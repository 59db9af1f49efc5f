#include "server/server.h"

#include <fmt/format.h>

#include <thread>

#include "core/history/maintain.h"
#include "server/api_token.h"
#include "server/assets.h"
#include "server/auth.h"
#include "server/branch_cache.h"
#include "server/http_error.h"
#include "server/reaper.h"
#include "server/router.h"
#include "state/store.h"
#include "util/interrupt.h"
#include "util/time_format.h"

namespace velo::server {
namespace {

constexpr size_t kThreads = 32;          // requests, event streams and waits at once
constexpr size_t kMaxEventStreams = 16;  // the rest stay free for requests
constexpr size_t kMaxBody = 1 << 20;     // JSON bodies are small; larger is refused (413)
constexpr auto kMaintainEvery = std::chrono::minutes(1);
constexpr auto kReapEvery = std::chrono::seconds(5);

Status check_options(const ServeOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return make_error(ErrorKind::Invalid, "--tls-cert and --tls-key go together");
  }
  const bool tls = !options.tls_cert.empty();
  if (!is_loopback(options.listen.host) && !tls && !options.insecure_listen) {
    return make_error(ErrorKind::Invalid,
                      "--listen {}: an address other hosts can reach needs --tls-cert and "
                      "--tls-key (or --insecure-listen, which sends the token in clear)",
                      options.listen.host);
  }
  return Status::Ok();
}

void add_static_routes(httplib::Server& server) {
  auto serve_asset = [](const std::string& name, httplib::Response& response) {
    auto asset = find_asset(name);
    if (!asset) {
      send_json(response, 404, error_body("not_found", "no such page"));
      return;
    }
    response.set_header("Cache-Control", "no-cache");
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    response.set_content(asset->body, asset->content_type.c_str());
  };
  server.Get("/", [serve_asset](const httplib::Request&, httplib::Response& response) {
    serve_asset("index.html", response);
  });
  server.Get("/api/v1/openapi.json", [serve_asset](const httplib::Request&, httplib::Response& r) {
    serve_asset("openapi.json", r);
  });
  server.Get(R"(/([A-Za-z0-9_-]+\.(?:html|js|css|svg|png)))",
             [serve_asset](const httplib::Request& request, httplib::Response& response) {
               serve_asset(request.matches[1].str(), response);
             });
}

// Statuses httplib answers itself (no route, a body too large, a bad
// request line) get the API's JSON error body too.
void install_error_body(httplib::Server& server) {
  httplib::Server::HandlerWithResponse handler = [](const httplib::Request&,
                                                    httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const int status = response.status;
    const char* kind = status == 404   ? "not_found"
                       : status == 413 ? "too_large"
                       : status == 405 ? "method_not_allowed"
                       : status < 500  ? "invalid"
                                       : "internal";
    const std::string message = status == 404 ? "no such route"
                                : status == 413
                                    ? fmt::format("the body is larger than {} bytes", kMaxBody)
                                    : "the request was refused";
    send_json(response, status, error_body(kind, message));
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(std::move(handler));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, const std::exception_ptr& error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_json(response, 500, error_body("internal", what));
      });
}

bool changes_something(const httplib::Request& request) {
  return request.method != "GET" && request.method != "HEAD" && request.method != "OPTIONS";
}

// Every request that may change something goes to the audit log; those
// and failures go to stderr (with --verbose, every request). Paths and
// statuses only: bodies may hold a token.
void install_logger(httplib::Server& server, const std::string& home, bool verbose) {
  server.set_logger(
      [home, verbose](const httplib::Request& request, const httplib::Response& response) {
        const bool change = changes_something(request) && request.path.starts_with("/api/");
        if (verbose || change || response.status >= 400) {
          fmt::print(stderr, "velo serve: {} {} {} {}\n", request.remote_addr, request.method,
                     core::printable(request.path), response.status);
        }
        if (!change) return;
        auto store = state::Store::open(home);
        if (!store.ok()) return;
        state::AuditRecord record{0,
                                  format_utc(std::chrono::system_clock::now()),
                                  actor_of(request),
                                  request.method,
                                  core::printable(request.path),
                                  response.status};
        if (auto status = store->insert_audit(record); !status.ok()) {
          fmt::print(stderr, "velo serve: warning: audit log: {}\n", status.error().message);
        }
      });
}

// Sleeps in short steps so that shutdown is not held up by a minute.
void run_every(std::chrono::seconds period, const std::atomic<bool>& stopping,
               const std::function<void()>& work) {
  while (!stopping) {
    work();
    for (auto waited = std::chrono::milliseconds(0); waited < period && !stopping;
         waited += std::chrono::milliseconds(100)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void maintain_once(const ServerParts& parts) {
  auto env = parts.open();
  if (!env.ok()) return;
  auto done = core::maintain_home((*env)->ctx());
  if (!done.ok()) {
    fmt::print(stderr, "velo serve: maintain: {}\n", done.error().message);
    return;
  }
  for (const auto& project : *done) {
    for (const auto& branch : project.restarted) {
      fmt::print(stderr, "velo serve: maintain: {} started again after a crash\n", branch);
    }
    for (const auto& note : project.notes) {
      fmt::print(stderr, "velo serve: maintain {}: {}\n", project.project, note);
    }
  }
}

std::unique_ptr<httplib::Server> make_server(const ServeOptions& options) {
  if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
}

}  // namespace

namespace {

// Limits, error bodies, the audit log, and every route.
void configure(httplib::Server& http, const ServeOptions& options, const ServerParts& parts,
               TokenGuard& guard, Router& router) {
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  http.set_payload_max_length(kMaxBody);
  http.set_read_timeout(std::chrono::seconds(30));
  http.set_tcp_nodelay(true);
  install_auth(http, guard, !options.tls_cert.empty());
  install_error_body(http);
  install_logger(http, options.home, options.verbose);
  add_static_routes(http);
  add_event_route(http, parts.events, parts.branches);
  add_project_routes(router);
  add_branch_routes(router);
  add_history_routes(router);
  add_merge_routes(router);
  add_system_routes(router);
}

void say_listening(const ServeOptions& options, const std::string& token) {
  const std::string& host = options.listen.host;
  fmt::print(stderr, "velo serve: listening on {}://{}:{} (the API token is in {})\n",
             options.tls_cert.empty() ? "http" : "https",
             host.find(':') != std::string::npos ? "[" + host + "]" : host, options.listen.port,
             token_path(options.home));
  if (options.print_token) fmt::print("{}\n", token);
  std::fflush(stdout);
}

// Serves until a signal; then stops the helpers and waits for the
// operations under way, which roll back.
bool run_until_stopped(httplib::Server& http, const ServeOptions& options,
                       const ServerParts& parts) {
  std::atomic<bool> stopping{false};
  parts.branches.start();
  std::thread signal_watch([&] {
    while (!stopping && interrupt::received() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (interrupt::received() != 0) fmt::print(stderr, "velo serve: stopping\n");
    // Event streams first: a stream waiting for its next event would hold
    // up the worker threads that stop() waits for.
    parts.events.close();
    http.stop();
  });
  std::thread reaper([&] {
    ZombieReaper zombies;
    run_every(kReapEvery, stopping, [&] { zombies.sweep(); });
  });
  std::thread maintainer;
  if (options.maintain) {
    maintainer =
        std::thread([&] { run_every(kMaintainEvery, stopping, [&] { maintain_once(parts); }); });
  }
  const bool served = http.listen_after_bind();
  stopping = true;
  signal_watch.join();
  reaper.join();
  if (maintainer.joinable()) maintainer.join();
  parts.branches.stop();
  parts.operations.join();
  return served;
}

}  // namespace

Status serve(const ServeOptions& options) {
  VELO_TRY(check_options(options));
  // The home must be initialised; the token is made now if velo init
  // predates the API.
  std::string storage;
  {
    VELO_ASSIGN_OR_RETURN(auto env, app::Environment::open({options.home, false, nullptr}));
    storage = env->ctx().driver.name();
  }
  VELO_ASSIGN_OR_RETURN(auto token, ensure_token(options.home));

  EventHub events(kMaxEventStreams);
  BranchCache branches(options.home, events);
  Operations operations(
      [home = options.home](core::Reporter* reporter) {
        return app::Environment::open({home, false, reporter});
      },
      [&branches] { branches.invalidate(); }, events);
  const ServerParts parts{options.home, events, operations, branches, storage};

  auto http = make_server(options);
  if (!http->is_valid()) {
    return make_error(ErrorKind::Invalid, "cannot use --tls-cert {} and --tls-key {}",
                      options.tls_cert, options.tls_key);
  }
  TokenGuard guard(options.home);
  Router router(*http, parts);
  configure(*http, options, parts, guard, router);
  if (!http->bind_to_port(options.listen.host, options.listen.port)) {
    return make_error(ErrorKind::Unavailable,
                      "cannot listen on {}:{} (in use, or not an address of this host)",
                      options.listen.host, options.listen.port);
  }
  // From here a signal is remembered, not fatal: the server stops
  // accepting, running operations roll back, and velo exits.
  interrupt::Deferral deferral;
  say_listening(options, token);
  if (!run_until_stopped(*http, options, parts) && interrupt::received() == 0) {
    return make_error(ErrorKind::Io, "the server stopped: {}:{}", options.listen.host,
                      options.listen.port);
  }
  return Status::Ok();
}

}  // namespace velo::server
