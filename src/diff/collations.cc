// Collations made by the user (CREATE COLLATION): provider, locale,
// determinism. Any change drops and creates them.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_collations(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_collation", "c.oid") +
                    ", format('%I.%I', n.nspname, c.collname), quote_ident(pg_get_userbyid("
                    "c.collowner)), c.collprovider, c.collisdeterministic, c.collcollate,"
                    " c.collctype, c.colliculocale FROM pg_collation c"
                    " JOIN pg_namespace n ON n.oid = c.collnamespace WHERE " +
                    user_schema("n") + " AND " + not_in_extension("pg_collation", "c.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "collation", .identity = row[1], .sql_name = "COLLATION " + row[1]};
    std::string provider = row[3] == "i" ? "icu" : row[3] == "c" ? "libc" : "default";
    std::string options = "provider = " + provider;
    if (provider == "icu") {
      options += ", locale = " + quote_literal(row[7]);
    } else {
      options +=
          ", lc_collate = " + quote_literal(row[5]) + ", lc_ctype = " + quote_literal(row[6]);
    }
    if (row[4] == "f") options += ", deterministic = false";
    object.definition = "CREATE COLLATION " + row[1] + " (" + options + ")";
    object.attributes["owner"] = row[2];
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kCollationRules = {
    .kind = "collation",
    .plural = "collations",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) { return std::vector<Statement>{sql("DROP COLLATION " + o.identity)}; },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
