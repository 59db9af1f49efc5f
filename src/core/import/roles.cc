#include "core/import/roles.h"

#include <fstream>
#include <set>

#include "core/import/dump_roles.h"

namespace velo::core {

Result<std::vector<std::string>> roles_in_dump(ProcessRunner& runner, const std::string& pg_restore,
                                               const std::string& dump_path, bool plain) {
  DumpRoleScanner scanner;
  if (plain) {
    std::ifstream in(dump_path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Invalid, "cannot read the dump {}", dump_path);
    std::string chunk(1 << 20, '\0');
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      scanner.feed(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
    }
    if (in.bad()) return make_error(ErrorKind::Io, "reading the dump {} failed", dump_path);
  } else {
    VELO_ASSIGN_OR_RETURN(
        ExecResult script,
        run_checked(runner, Command{{pg_restore, "--schema-only", "--file=-", dump_path}}));
    scanner.feed(script.out);
  }
  scanner.feed("\n");
  return scanner.roles();
}

Result<std::vector<std::string>> create_missing_roles(pg::Session& conn,
                                                      const std::vector<std::string>& roles) {
  VELO_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT rolname FROM pg_roles"));
  std::set<std::string> existing;
  for (const auto& row : rows) existing.insert(row.at(0));
  std::vector<std::string> created;
  for (const auto& role : roles) {
    if (existing.count(role) != 0 || role.rfind("pg_", 0) == 0) continue;
    VELO_ASSIGN_OR_RETURN(std::string quoted, conn.quote_identifier(role));
    VELO_TRY(conn.exec("CREATE ROLE " + quoted + " NOLOGIN"));
    created.push_back(role);
  }
  return created;
}

}  // namespace velo::core
