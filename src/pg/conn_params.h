// Where and as whom velo connects: libpq's keywords as fields (never a
// conninfo string with the password spliced in), and their URL form.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace velo::pg {

struct ConnParams {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string user = "postgres";
  std::string password;
  std::string dbname = "postgres";
  int connect_timeout_s = 5;
  // libpq's passfile. velo's own servers: none, so that no ~/.pgpass of
  // the invoking user changes where velo connects. libpq ignores a path
  // that does not exist (nothing can create one under /proc/self), where
  // /dev/null made it warn on every connection without a password. ""
  // leaves libpq's default (PGPASSFILE, else ~/.pgpass): for servers velo
  // does not manage.
  std::string passfile = "/proc/self/velo-no-passfile";
  // Further libpq keywords (sslmode, ...), e.g. from a source URL.
  std::vector<std::pair<std::string, std::string>> options;
};

// postgres://user[:password]@host:port/dbname, percent-encoded.
std::string to_url(const ConnParams& params, bool with_password);

}  // namespace velo::pg
