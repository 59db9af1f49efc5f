// Extended statistics (CREATE STATISTICS), as pg_get_statisticsobjdef
// prints them. Any change drops and creates them; the next ANALYZE fills
// them again.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_statistics(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_statistic_ext", "s.oid") +
                    ", format('%I.%I', n.nspname, s.stxname), quote_ident(pg_get_userbyid("
                    "s.stxowner)), pg_get_statisticsobjdef(s.oid),"
                    " format('%I.%I', cn.nspname, c.relname), c.relkind"
                    " FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace"
                    " JOIN pg_class c ON c.oid = s.stxrelid"
                    " JOIN pg_namespace cn ON cn.oid = c.relnamespace WHERE " +
                    user_schema("n") + " AND " + not_in_extension("pg_statistic_ext", "s.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "statistics", .identity = row[1], .sql_name = "STATISTICS " + row[1]};
    object.parent = (row[5] == "m" ? "materialized view " : "table ") + row[4];
    object.attributes["owner"] = row[2];
    object.definition = row[3];
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kStatisticsRules = {
    .kind = "statistics",
    .plural = "statistics",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("DROP STATISTICS IF EXISTS " + o.identity)};
        },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
