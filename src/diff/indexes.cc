// Indexes not behind a constraint (those are the constraint), as
// pg_get_indexdef prints them: partial, expression, on partitioned tables
// (their partitions' copies come with them and are not read) and on a
// single partition. Any change drops and creates the index.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_indexes(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_class", "i.oid") +
          ", format('%I.%I', n.nspname, i.relname), pg_get_indexdef(i.oid),"
          " format('%I.%I', tn.nspname, t.relname), t.relkind"
          " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
          " JOIN pg_namespace n ON n.oid = i.relnamespace JOIN pg_class t ON t.oid = x.indrelid"
          " JOIN pg_namespace tn ON tn.oid = t.relnamespace"
          " WHERE t.relkind IN ('r', 'p', 'm') AND " +
          user_schema("n") + " AND " + not_in_extension("pg_class", "i.oid") +
          " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid"
          "  AND k.contype IN ('p', 'u', 'x'))"
          " AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.oid)"));
  for (const auto& row : rows) {
    Object object{.kind = "index", .identity = row[1], .sql_name = "INDEX " + row[1]};
    object.parent = (row[4] == "m" ? "materialized view " : "table ") + row[3];
    object.definition = row[2];
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

std::vector<Hazard> index_hazards(const Object*, const Object* to, const DatabaseSchema& from_db) {
  if (to == nullptr || from_db.find(to->parent) == nullptr) return {};
  return {{HazardKind::IndexBuild,
           "CREATE INDEX " + to->identity + " blocks writes to its table while it builds"}};
}

}  // namespace

const KindRules kIndexRules = {
    .kind = "index",
    .plural = "indexes",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("DROP INDEX IF EXISTS " + o.identity)};
        },
    .alter = nullptr,
    .hazards = index_hazards,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
