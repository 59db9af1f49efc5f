// Rewrite rules on tables and views (CREATE RULE), as pg_get_ruledef
// prints them; a view's own _RETURN rule is the view. Any change drops
// and creates the rule; like a view, it blocks a change of type of the
// columns it uses, so the planner rebuilds it around one.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_rules(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_rewrite", "r.oid") +
                    ", format('%I.%I', n.nspname, c.relname), quote_ident(r.rulename),"
                    " pg_get_ruledef(r.oid), c.relkind"
                    " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE r.rulename <> '_RETURN' AND " +
                    user_schema("n") + " AND " + not_in_extension("pg_rewrite", "r.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "rule", .identity = row[1] + "." + row[2]};
    object.parent = (row[4] == "v" ? "view " : "table ") + row[1];
    object.sql_name = "RULE " + row[2] + " ON " + row[1];
    object.attributes["name"] = row[2];
    object.attributes["table"] = row[1];
    std::string definition = row[3];
    while (!definition.empty() && (definition.back() == ';' || definition.back() == '\n')) {
      definition.pop_back();
    }
    object.definition = std::move(definition);
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kRuleRules = {
    .kind = "rule",
    .plural = "rules",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql("DROP RULE IF EXISTS " + o.attr("name") + " ON " + o.attr("table"))};
        },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
