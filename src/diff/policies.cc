// Row-level security policies (the table's ENABLE/FORCE switches are the
// table's attributes). Roles and expressions change in place with ALTER
// POLICY; a new command or permissiveness, or a clause removed, drops and
// creates the policy.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_policies(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_policy", "p.oid") +
          ", format('%I.%I', n.nspname, c.relname), quote_ident(p.polname),"
          " CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
          "  WHEN 'd' THEN 'DELETE' ELSE 'ALL' END, p.polpermissive,"
          " (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r))"
          "  END, ', ' ORDER BY 1) FROM unnest(p.polroles) r),"
          " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
          " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
          " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " +
          user_schema("n")));
  for (const auto& row : rows) {
    Object object{.kind = "policy", .identity = row[1] + "." + row[2]};
    object.parent = "table " + row[1];
    object.sql_name = "POLICY " + row[2] + " ON " + row[1];
    object.attributes["name"] = row[2];
    object.attributes["table"] = row[1];
    object.attributes["command"] = row[3];
    object.attributes["permissive"] = row[4] == "t" ? "PERMISSIVE" : "RESTRICTIVE";
    object.attributes["roles"] = row[5];
    object.attributes["using"] = row[6];
    object.attributes["with_check"] = row[7];
    std::string text = "CREATE POLICY " + row[2] + " ON " + row[1] + " AS " +
                       object.attr("permissive") + " FOR " + row[3] + " TO " + row[5];
    if (!row[6].empty()) text += " USING (" + row[6] + ")";
    if (!row[7].empty()) text += " WITH CHECK (" + row[7] + ")";
    object.definition = std::move(text);
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

std::optional<std::vector<Statement>> alter_policy(const Object& from, const Object& to) {
  for (const char* fixed : {"command", "permissive"}) {
    if (from.attr(fixed) != to.attr(fixed)) return std::nullopt;
  }
  for (const char* clause : {"using", "with_check"}) {
    if (!from.attr(clause).empty() && to.attr(clause).empty()) return std::nullopt;
  }
  std::string text =
      "ALTER POLICY " + to.attr("name") + " ON " + to.attr("table") + " TO " + to.attr("roles");
  if (!to.attr("using").empty()) text += " USING (" + to.attr("using") + ")";
  if (!to.attr("with_check").empty()) text += " WITH CHECK (" + to.attr("with_check") + ")";
  return std::vector<Statement>{sql(text)};
}

}  // namespace

const KindRules kPolicyRules = {
    .kind = "policy",
    .plural = "policies",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql("DROP POLICY IF EXISTS " + o.attr("name") + " ON " + o.attr("table"))};
        },
    .alter = alter_policy,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
