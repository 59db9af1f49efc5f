// velo serve; velo token show | rotate
#include <fmt/format.h>

#include "cli/command_table.h"
#include "cli/output.h"
#include "server/api_token.h"
#include "server/server.h"

namespace velo::cli {
namespace {

struct ServeArgs {
  std::string listen = server::kDefaultListen;
  std::string tls_cert;
  std::string tls_key;
  bool insecure_listen = false;
  bool maintain = false;
  bool print_token = false;
};

Status serve(const GlobalOptions& global, const ServeArgs& args) {
  server::ServeOptions options;
  VELO_ASSIGN_OR_RETURN(options.listen, server::parse_listen_address(args.listen));
  options.home = app::resolve_home(global.home);
  options.tls_cert = args.tls_cert;
  options.tls_key = args.tls_key;
  options.insecure_listen = args.insecure_listen;
  options.maintain = args.maintain;
  options.print_token = args.print_token;
  options.verbose = global.verbose;
  return server::serve(options);
}

void declare_serve(CLI::App& cmd, ServeArgs& args) {
  cmd.add_option("--listen", args.listen,
                 fmt::format("HOST:PORT to serve on (default {}; another host than loopback "
                             "needs TLS)",
                             server::kDefaultListen));
  cmd.add_option("--tls-cert", args.tls_cert, "serve HTTPS with this PEM certificate (chain)");
  cmd.add_option("--tls-key", args.tls_key, "the PEM private key of --tls-cert");
  cmd.add_flag(
      "--insecure-listen", args.insecure_listen,
      "allow a non-loopback --listen without TLS (the token crosses the network in clear)");
  cmd.add_flag("--maintain", args.maintain,
               "also do velo maintain's work every minute (scheduled snapshots, pruning)");
  cmd.add_flag("--print-token", args.print_token, "print the API token on stdout once listening");
}

// The token is for this user's eyes: printed, never in a log.
Status token_show(const GlobalOptions& global) {
  const std::string home = app::resolve_home(global.home);
  VELO_OPEN_ENV(env, global);  // an initialised home only
  VELO_ASSIGN_OR_RETURN(auto token, server::ensure_token(home));
  if (global.json)
    print_json({{"token", token}, {"file", server::token_path(home)}});
  else
    fmt::print("{}\n", token);
  return Status::Ok();
}

Status token_rotate(const GlobalOptions& global) {
  const std::string home = app::resolve_home(global.home);
  VELO_OPEN_ENV(env, global);
  VELO_ASSIGN_OR_RETURN(auto token, server::rotate_token(home));
  if (global.json) {
    print_json({{"token", token}, {"file", server::token_path(home)}});
  } else {
    fmt::print("{}\n", token);
    fmt::print(stderr, "velo: the API has a new token; the old one no longer works\n");
  }
  return Status::Ok();
}

}  // namespace

CommandTable serve_commands() {
  return {
      command<ServeArgs>({"serve"}, "serve the HTTP API and the web console", declare_serve, serve),
      group("token", "the HTTP API's bearer token"),
      command({"token", "show"}, "print the API token (made if the home has none)", token_show),
      command({"token", "rotate"}, "replace the API token; the old one stops working",
              token_rotate),
  };
}

}  // namespace velo::cli
