// Publications (logical replication): all tables, or tables (with column
// lists and row filters) and schemas, and what they publish. Any change
// drops and creates the publication; subscribers keep their slot and
// see the new one under the same name.
#include <fmt/format.h>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_publications(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_publication", "p.oid") +
          ", quote_ident(p.pubname), quote_ident(pg_get_userbyid(p.pubowner)), p.puballtables,"
          " concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,"
          "  CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END,"
          "  CASE WHEN p.pubtruncate THEN 'truncate' END), p.pubviaroot,"
          " (SELECT string_agg(format('%I.%I', n.nspname, c.relname) || coalesce(' (' ||"
          "   (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
          "    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY (r.prattrs)) || ')',"
          "   '') || coalesce(' WHERE (' || pg_get_expr(r.prqual, r.prrelid) || ')', ''),"
          "   E'\\n' ORDER BY 1) FROM pg_publication_rel r JOIN pg_class c ON c.oid = r.prrelid"
          "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.prpubid = p.oid),"
          " (SELECT string_agg(quote_ident(n.nspname), E'\\n' ORDER BY 1)"
          "  FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid"
          "  WHERE pn.pnpubid = p.oid)"
          " FROM pg_publication p"));
  for (const auto& row : rows) {
    Object object{.kind = "publication", .identity = row[1], .sql_name = "PUBLICATION " + row[1]};
    object.attributes["owner"] = row[2];
    std::vector<std::string> targets;
    for (const auto& table : split(row[6], '\n')) {
      targets.push_back("TABLE " + table);
      object.depends_on.insert("table " + table.substr(0, table.find(' ')));
    }
    for (const auto& schema : split(row[7], '\n')) {
      targets.push_back("TABLES IN SCHEMA " + schema);
      object.depends_on.insert("schema " + schema);
    }
    std::string text = "CREATE PUBLICATION " + row[1];
    if (row[3] == "t") {
      text += " FOR ALL TABLES";
    } else if (!targets.empty()) {
      text += " FOR " + join(targets, ", ");
    }
    text += fmt::format(" WITH (publish = {}, publish_via_partition_root = {})",
                        quote_literal(row[4]), row[5] == "t" ? "true" : "false");
    object.definition = std::move(text);
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kPublicationRules = {
    .kind = "publication",
    .plural = "publications",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("DROP PUBLICATION IF EXISTS " + o.identity)};
        },
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
