// The source server of an import, asked before anything is made: can velo
// reach it and log in, is it the project's PostgreSQL major, may the role
// stream a base backup, how big is it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pg/client.h"
#include "util/result.h"

namespace velo::core {

struct SourceInfo {
  int version_num = 0;                  // server_version_num, e.g. 150004
  std::string major;                    // "15"
  std::string bootstrap_superuser;      // the role with OID 10
  std::optional<uint64_t> total_bytes;  // sum of database sizes, when readable
};

// "15" for 150004, "9.6" for 90624.
std::string major_of(int version_num);
// Invalid: "source is PostgreSQL 16, this project uses 15".
Status check_source_version(int version_num, const std::string& project_version);
// Invalid unless the role is a superuser or has REPLICATION.
Status check_replication_privilege(const std::string& role, bool superuser, bool replication);
// A failed login (Invalid) told apart from an unreachable server
// (Unavailable), from libpq's message; the URL in it is redacted.
Error classify_connect_error(const pg::ConnParams& params, const std::string& message);

// Opens a connection to the source (libpq's password sources: the URL,
// PGPASSWORD, PGPASSFILE or ~/.pgpass), with a classified error.
Result<std::unique_ptr<pg::Session>> connect_source(pg::Client& client,
                                                    const pg::ConnParams& params);

// Connects and checks version, privilege and tablespaces (a plain-format
// base backup would write them to the source's own absolute paths).
Result<SourceInfo> probe_source(pg::Client& client, const pg::ConnParams& params,
                                const std::string& project_version);

}  // namespace velo::core
