// ALTER DEFAULT PRIVILEGES: per role, schema (or all) and kind of object,
// the grants new objects get. Kind "default privileges", identity
// "<role> [in schema <schema>] on <tables|sequences|functions|types|schemas>".
// A change revokes what was granted from each grantee, then grants.
#include <fmt/format.h>

#include <algorithm>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_default_privileges(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT quote_ident(pg_get_userbyid(d.defaclrole)), quote_ident(n.nspname),"
          " CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'"
          "  WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END,"
          " (SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
          "   ELSE quote_ident(pg_get_userbyid(a.grantee)) END || ' ' || a.privilege_type ||"
          "   CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END, E'\\n' ORDER BY 1)"
          "  FROM aclexplode(d.defaclacl) a)"
          " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"));
  for (const auto& row : rows) {
    std::string scope = "FOR ROLE " + row[0] + (row[1].empty() ? "" : " IN SCHEMA " + row[1]);
    std::string identity =
        row[0] + (row[1].empty() ? "" : " in schema " + row[1]) + " on " + row[2];
    Object object{.kind = "default privileges", .identity = identity};
    if (!row[1].empty()) object.depends_on.insert("schema " + row[1]);
    object.attributes["scope"] = scope;
    object.attributes["objects"] = row[2];
    object.attributes["grants"] = row[3];
    std::vector<std::string> grants;
    for (const auto& line : split(row[3], '\n')) {
      size_t space = line.find(' ');
      std::string privilege = line.substr(space + 1);
      std::string option;
      if (size_t with = privilege.find(" WITH GRANT OPTION"); with != std::string::npos) {
        option = privilege.substr(with);
        privilege.resize(with);
      }
      grants.push_back(fmt::format("ALTER DEFAULT PRIVILEGES {} GRANT {} ON {} TO {}{}", scope,
                                   privilege, row[2], line.substr(0, space), option));
    }
    object.definition = join(grants, "\n");
    catalog.add(std::move(object), "");
  }
  return Status::Ok();
}

namespace {

std::vector<Statement> revoke_default(const Object& o) {
  std::vector<std::string> done;
  std::vector<Statement> statements;
  for (const auto& line : split(o.attr("grants"), '\n')) {
    std::string grantee = line.substr(0, line.find(' '));
    if (std::find(done.begin(), done.end(), grantee) != done.end()) continue;
    done.push_back(grantee);
    statements.push_back(sql("ALTER DEFAULT PRIVILEGES " + o.attr("scope") + " REVOKE ALL ON " +
                             o.attr("objects") + " FROM " + grantee));
  }
  return statements;
}

}  // namespace

const KindRules kDefaultPrivilegesRules = {
    .kind = "default privileges",
    .plural = "default privileges",
    .create =
        [](const Object& o, const DatabaseSchema&) {
          std::vector<Statement> statements;
          for (const auto& grant : split(o.definition, '\n')) statements.push_back(sql(grant));
          return statements;
        },
    .drop = revoke_default,
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
