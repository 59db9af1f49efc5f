// A branch's connection in the forms scripts consume: a postgres:// URL,
// shell `export` lines for eval, a ~/.pgpass line, a JSON object. Pure
// functions of the parameters, unit-tested without a server.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pg/conn_params.h"
#include "util/result.h"

namespace velo::cli {

enum class ConnFormat { Url, Env, Pgpass, Json };

// Invalid for anything but url, env, pgpass or json.
Result<ConnFormat> parse_conn_format(const std::string& text);

// One word for a POSIX shell: '...', with each ' written as '\''.
std::string shell_quote(const std::string& text);

// export PGHOST=... lines (PGPASSWORD only when the password is there;
// otherwise `unset PGPASSWORD`, so that an earlier eval's does not linger).
std::string env_lines(const pg::ConnParams& params);

// One ~/.pgpass field: ':' and '\' escaped with '\'.
std::string pgpass_escape(const std::string& field);
// host:port:database:user:password and a newline. Invalid without a
// password: such a line would authenticate nothing.
Result<std::string> pgpass_line(const pg::ConnParams& params);

// The whole output of `velo branch url` in `format`, newline-terminated.
Result<std::string> format_connection(ConnFormat format, const pg::ConnParams& params);

}  // namespace velo::cli
