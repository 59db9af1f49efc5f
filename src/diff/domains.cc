// Domains: base type, collation, default, NOT NULL; their CHECK
// constraints are constraint objects (constraints.cc). The default and
// NOT NULL change in place, a new base type drops and creates the domain.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_domains(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_type", "t.oid") +
                    ", format('%I.%I', n.nspname, t.typname), quote_ident(pg_get_userbyid("
                    "t.typowner)), format_type(t.typbasetype, t.typtypmod),"
                    " CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation"
                    "  THEN t.typcollation::regcollation::text END, t.typdefault, t.typnotnull"
                    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " JOIN pg_type b ON b.oid = t.typbasetype WHERE t.typtype = 'd' AND " +
                    user_schema("n") + " AND " + not_in_extension("pg_type", "t.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "domain", .identity = row[1], .sql_name = "DOMAIN " + row[1]};
    object.attributes["owner"] = row[2];
    object.attributes["base"] = row[3];
    object.attributes["collation"] = row[4];
    object.attributes["default"] = row[5];
    object.attributes["not_null"] = row[6] == "t" ? "true" : "";
    object.definition = "CREATE DOMAIN " + row[1] + " AS " + row[3];
    if (!row[4].empty()) object.definition += " COLLATE " + row[4];
    if (!row[5].empty()) object.definition += " DEFAULT " + row[5];
    if (row[6] == "t") object.definition += " NOT NULL";
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

std::optional<std::vector<Statement>> alter_domain(const Object& from, const Object& to) {
  if (from.attr("base") != to.attr("base") || from.attr("collation") != to.attr("collation")) {
    return std::nullopt;
  }
  std::vector<Statement> statements;
  const std::string alter = "ALTER DOMAIN " + to.identity;
  if (from.attr("default") != to.attr("default")) {
    statements.push_back(sql(to.attr("default").empty()
                                 ? alter + " DROP DEFAULT"
                                 : alter + " SET DEFAULT " + to.attr("default")));
  }
  if (from.attr("not_null") != to.attr("not_null")) {
    statements.push_back(
        sql(alter + (to.attr("not_null").empty() ? " DROP NOT NULL" : " SET NOT NULL")));
  }
  return statements;
}

std::vector<Hazard> domain_hazards(const Object* from, const Object* to, const DatabaseSchema&) {
  if (from != nullptr && to != nullptr && from->attr("not_null").empty() &&
      !to->attr("not_null").empty()) {
    return {{HazardKind::FullScanValidation,
             "SET NOT NULL on domain " + to->identity + " scans every column of the domain"}};
  }
  return {};
}

}  // namespace

const KindRules kDomainRules = {
    .kind = "domain",
    .plural = "domains",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) { return std::vector<Statement>{sql("DROP DOMAIN " + o.identity)}; },
    .alter = alter_domain,
    .hazards = domain_hazards,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
