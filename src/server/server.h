// velo serve: the HTTP API and the web console over one home, beside the
// CLI and over the same core operations, state and project locks.
#pragma once

#include <string>

#include "server/listen_address.h"
#include "util/result.h"

namespace velo::server {

struct ServeOptions {
  std::string home;  // resolved
  ListenAddress listen;
  std::string tls_cert;  // both or neither
  std::string tls_key;
  bool insecure_listen = false;  // a non-loopback address without TLS
  bool maintain = false;         // velo maintain's work every minute
  bool print_token = false;      // the token on stdout once listening
  bool verbose = false;          // every request on stderr, not only changes and errors
};

// Checks the options (Invalid before anything listens), then serves until
// SIGINT or SIGTERM; running operations are interrupted and roll back.
Status serve(const ServeOptions& options);

}  // namespace velo::server
