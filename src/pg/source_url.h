// A source server named by the user: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?k=v...]
// parsed by libpq itself (PQconninfoParse), so that what velo connects to
// is exactly what psql would. The password, if the URL holds one, never
// leaves ConnParams::password: messages show redacted URLs, child
// processes get it through their environment, not argv.
#pragma once

#include <string>

#include "pg/connection.h"
#include "util/result.h"

namespace velo::pg {

struct SourceUrl {
  // passfile "" (libpq's default: PGPASSFILE, else ~/.pgpass); user, port
  // and dbname default as libpq's do (OS user, 5432, the user's name).
  ConnParams params;
  bool password_in_url = false;
};

// Invalid (without echoing the password) for anything but a
// postgres:// or postgresql:// URL libpq accepts.
Result<SourceUrl> parse_source_url(const std::string& url);

// The URL with its password replaced by ***, and any password=...
// parameter too: for messages and logs.
std::string redact_url(const std::string& text);

// A conninfo string ("host='h' port='5432' ...") without the password,
// for pg_basebackup -d and primary_conninfo. `passfile` is added when not
// empty; `application_name` too.
std::string conninfo_without_password(const ConnParams& params, const std::string& passfile,
                                      const std::string& application_name);

// One conninfo value, quoted as libpq reads it ('...' with \' and \\).
std::string quote_conninfo_value(const std::string& value);

}  // namespace velo::pg
