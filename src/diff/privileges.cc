// Privileges granted on tables, columns, views, sequences, schemas,
// functions and types (their ACLs, when not the default), as objects of their own whose
// parent is the object: kind "privileges", identity the object's key.
// Applying them revokes everything from everyone named (and the owner and
// PUBLIC), then grants exactly the ACL's entries.
#include <fmt/format.h>

#include <algorithm>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

namespace {

// One entry per line: "grantee privilege" or "grantee privilege WITH GRANT OPTION".
std::vector<std::string> grantees_of(const std::string& grants) {
  std::vector<std::string> grantees;
  for (const auto& line : split(grants, '\n')) {
    std::string grantee = line.substr(0, line.find(' '));
    if (std::find(grantees.begin(), grantees.end(), grantee) == grantees.end()) {
      grantees.push_back(grantee);
    }
  }
  return grantees;
}

// `columns`: "" or " (name)" for a column's privileges.
std::string grant_statements(const std::string& target, const std::string& columns,
                             const std::string& grants) {
  std::vector<std::string> statements;
  for (const auto& line : split(grants, '\n')) {
    size_t space = line.find(' ');
    std::string grantee = line.substr(0, space);
    std::string privilege = line.substr(space + 1);
    const std::string option = " WITH GRANT OPTION";
    bool with_option =
        privilege.size() > option.size() &&
        privilege.compare(privilege.size() - option.size(), option.size(), option) == 0;
    if (with_option) privilege.resize(privilege.size() - option.size());
    statements.push_back(fmt::format("GRANT {}{} ON {} TO {}{}", privilege, columns, target,
                                     grantee, with_option ? option : ""));
  }
  return join(statements, "\n");
}

}  // namespace

Status read_privileges(Catalog& catalog) {
  std::string query;
  for (auto [table, acl] : {std::pair{"pg_class", "relacl"},
                            {"pg_namespace", "nspacl"},
                            {"pg_proc", "proacl"},
                            {"pg_type", "typacl"}}) {
    if (!query.empty()) query += " UNION ALL ";
    query += std::string("SELECT ") + address_of(table, "o.oid") +
             ", CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee))"
             " END || ' ' || a.privilege_type || CASE WHEN a.is_grantable THEN"
             " ' WITH GRANT OPTION' ELSE '' END FROM " +
             table + " o, aclexplode(o." + acl + ") a WHERE o." + acl + " IS NOT NULL";
  }
  // Columns' own grants (GRANT SELECT (c) ON t).
  query += " UNION ALL SELECT " + address_of("pg_class", "o.attrelid", "o.attnum") +
           ", CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee))"
           " END || ' ' || a.privilege_type || CASE WHEN a.is_grantable THEN"
           " ' WITH GRANT OPTION' ELSE '' END FROM pg_attribute o, aclexplode(o.attacl) a"
           " WHERE o.attacl IS NOT NULL AND o.attnum > 0";
  VELO_ASSIGN_OR_RETURN(auto rows, catalog.query("SELECT address, string_agg(entry, E'\\n' ORDER BY"
                                                 " entry) FROM (" +
                                                 query +
                                                 ") e(address, entry)"
                                                 " GROUP BY address"));
  for (const auto& row : rows) {
    const Object* target = catalog.object_at(row[0]);
    if (target == nullptr || target->sql_name.empty()) continue;
    Object privileges{.kind = "privileges", .identity = target->key(), .parent = target->key()};
    privileges.attributes["grants"] = row[1];
    std::string on = grant_target(target->sql_name);
    std::string columns;
    if (target->kind == "column") {
      on = "TABLE " + target->parent.substr(target->parent.find(' ') + 1);
      columns = " (" + target->attr("name") + ")";
    }
    privileges.attributes["target"] = on;
    privileges.attributes["columns"] = columns;
    privileges.attributes["target_owner"] = target->attr("owner");
    privileges.definition = grant_statements(on, columns, row[1]);
    catalog.add(std::move(privileges), "");
  }
  return Status::Ok();
}

namespace {

std::vector<Statement> revoke_from(const Object& o, const std::vector<std::string>& grantees) {
  std::vector<Statement> statements;
  statements.reserve(grantees.size());
  for (const auto& grantee : grantees) {
    statements.push_back(sql(
        fmt::format("REVOKE ALL{} ON {} FROM {}", o.attr("columns"), o.attr("target"), grantee)));
  }
  return statements;
}

std::vector<Statement> create_privileges(const Object& o, const DatabaseSchema&) {
  auto grantees = grantees_of(o.attr("grants"));
  for (const std::string& extra : {std::string("PUBLIC"), o.attr("target_owner")}) {
    if (!extra.empty() && std::find(grantees.begin(), grantees.end(), extra) == grantees.end()) {
      grantees.push_back(extra);
    }
  }
  auto statements = revoke_from(o, grantees);
  for (const auto& grant : split(o.definition, '\n')) statements.push_back(sql(grant));
  return statements;
}

}  // namespace

const KindRules kPrivilegesRules = {
    .kind = "privileges",
    .plural = "privileges",
    .create = create_privileges,
    .drop = [](const Object& o) { return revoke_from(o, grantees_of(o.attr("grants"))); },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
