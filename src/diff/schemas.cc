// Schemas: CREATE SCHEMA IF NOT EXISTS, since a new database already has
// public; only the owner changes in place.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_schemas(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_namespace", "n.oid") +
                    ", quote_ident(n.nspname), quote_ident(pg_get_userbyid(n.nspowner))"
                    " FROM pg_namespace n WHERE " +
                    user_schema("n") + " AND " + not_in_extension("pg_namespace", "n.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "schema", .identity = row[1], .sql_name = "SCHEMA " + row[1]};
    object.definition = "CREATE SCHEMA " + row[1];
    object.attributes["owner"] = row[2];
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kSchemaRules = {
    .kind = "schema",
    .plural = "schemas",
    .create =
        [](const Object& o, const DatabaseSchema&) {
          return std::vector<Statement>{sql("CREATE SCHEMA IF NOT EXISTS " + o.identity)};
        },
    .drop =
        [](const Object& o) { return std::vector<Statement>{sql("DROP SCHEMA " + o.identity)}; },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
