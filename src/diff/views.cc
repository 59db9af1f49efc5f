// Views and materialized views, as pg_get_viewdef prints them, with their
// options (security_barrier, check_option, ...). Any change drops and
// creates them (CREATE OR REPLACE refuses most changes of columns), and
// the planner rebuilds what depends on them.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_views(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_class", "c.oid") +
                    ", format('%I.%I', n.nspname, c.relname), quote_ident(pg_get_userbyid("
                    "c.relowner)), c.relkind, pg_get_viewdef(c.oid),"
                    " array_to_string(c.reloptions, ', '), c.relispopulated,"
                    " (SELECT " +
                    address_of("pg_rewrite", "r.oid") +
                    " FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN')"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind IN ('v', 'm') AND " +
                    user_schema("n") + " AND " + not_in_extension("pg_class", "c.oid")));
  for (const auto& row : rows) {
    bool materialized = row[3] == "m";
    Object object{.kind = materialized ? "materialized view" : "view", .identity = row[1]};
    object.sql_name = (materialized ? "MATERIALIZED VIEW " : "VIEW ") + row[1];
    object.attributes["owner"] = row[2];
    object.attributes["options"] = row[5];
    std::string query = row[4];
    while (!query.empty() && (query.back() == ';' || query.back() == '\n')) query.pop_back();
    std::string text = "CREATE " + object.sql_name;
    if (!row[5].empty()) text += " WITH (" + row[5] + ")";
    text += " AS\n" + query;
    if (materialized) text += row[6] == "t" ? "\nWITH DATA" : "\nWITH NO DATA";
    object.definition = std::move(text);
    const std::string key = object.key();
    catalog.add(std::move(object), row[0]);
    // Dependencies of a view are its rewrite rule's.
    if (!row[7].empty()) catalog.alias(row[7], key);
  }
  return Status::Ok();
}

namespace {

std::vector<Statement> create_view(const Object& o, const DatabaseSchema&) {
  return {sql(o.definition)};
}

std::vector<Statement> drop_view(const Object& o) {
  return {sql("DROP " + o.sql_name.substr(0, o.sql_name.size() - o.identity.size()) + "IF EXISTS " +
              o.identity)};
}

}  // namespace

const KindRules kViewRules = {
    .kind = "view",
    .plural = "views",
    .create = create_view,
    .drop = drop_view,
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

const KindRules kMaterializedViewRules = {
    .kind = "materialized view",
    .plural = "materialized views",
    .create = create_view,
    .drop = drop_view,
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
