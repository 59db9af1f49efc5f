// A table's REPLICA IDENTITY when not the default, as an object of its own
// (kind "replica identity", parent the table): USING INDEX needs the index
// first, which a table's own alter would not wait for.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_replica_identities(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT format('%I.%I', n.nspname, c.relname), c.relreplident,"
                    " (SELECT quote_ident(i.relname) FROM pg_index x JOIN pg_class i"
                    "  ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident),"
                    " (SELECT " +
                    address_of("pg_class", "x.indexrelid") +
                    "  FROM pg_index x WHERE x.indrelid = c.oid AND x.indisreplident)"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND " +
                    user_schema("n") + " AND " + not_in_extension("pg_class", "c.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "replica identity", .identity = row[0], .parent = "table " + row[0]};
    std::string setting = row[1] == "n"   ? "NOTHING"
                          : row[1] == "f" ? "FULL"
                                          : "USING INDEX " + row[2];
    object.definition = "ALTER TABLE " + row[0] + " REPLICA IDENTITY " + setting;
    // The index, or the constraint it is the index of.
    if (row[1] == "i") {
      std::string index = catalog.key_at(row[3]);
      if (!index.empty()) object.depends_on.insert(index);
    }
    catalog.add(std::move(object), "");
  }
  return Status::Ok();
}

const KindRules kReplicaIdentityRules = {
    .kind = "replica identity",
    .plural = "replica identities",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql("ALTER TABLE " + o.identity + " REPLICA IDENTITY DEFAULT")};
        },
    .alter = [](const Object&, const Object& to) -> std::optional<std::vector<Statement>> {
      return std::vector<Statement>{sql(to.definition)};
    },
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
