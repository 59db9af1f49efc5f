// Sequences (not identity columns' own, which are part of the column) and
// their OWNED BY, a separate object: a serial column's default needs the
// sequence before the table, and OWNED BY needs the table before it.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_sequences(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_class", "c.oid") +
          ", format('%I.%I', n.nspname, c.relname), quote_ident(pg_get_userbyid(c.relowner)),"
          " format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,"
          " s.seqcache, s.seqcycle,"
          " (SELECT format('%I.%I.%I', tn.nspname, t.relname, a.attname) FROM pg_depend d"
          "  JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
          "  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
          "  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'"
          "  AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0)"
          " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          " JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S' AND " +
          user_schema("n") + " AND " + not_in_extension("pg_class", "c.oid") +
          " AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass"
          " AND i.objid = c.oid AND i.deptype = 'i')"));
  for (const auto& row : rows) {
    Object object{.kind = "sequence", .identity = row[1], .sql_name = "SEQUENCE " + row[1]};
    object.attributes["owner"] = row[2];
    std::string options = "AS " + row[3] + " INCREMENT BY " + row[4] + " MINVALUE " + row[5] +
                          " MAXVALUE " + row[6] + " START WITH " + row[7] + " CACHE " + row[8] +
                          (row[9] == "t" ? " CYCLE" : " NO CYCLE");
    object.attributes["options"] = options;
    object.definition = "CREATE SEQUENCE " + row[1] + " " + options;
    if (!row[10].empty()) {
      Object owned{.kind = "sequence ownership", .identity = row[1], .parent = object.key()};
      owned.definition = "ALTER SEQUENCE " + row[1] + " OWNED BY " + row[10];
      owned.depends_on.insert("column " + row[10]);
      catalog.add(std::move(owned), "");
    }
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

const KindRules kSequenceRules = {
    .kind = "sequence",
    .plural = "sequences",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    // IF EXISTS: a sequence owned by a dropped table's column went with it.
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("DROP SEQUENCE IF EXISTS " + o.identity)};
        },
    .alter = [](const Object&, const Object& to) -> std::optional<std::vector<Statement>> {
      return std::vector<Statement>{
          sql("ALTER SEQUENCE " + to.identity + " " + to.attr("options"))};
    },
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

const KindRules kSequenceOwnerRules = {
    .kind = "sequence ownership",
    .plural = "sequence ownerships",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql("ALTER SEQUENCE IF EXISTS " + o.identity + " OWNED BY NONE")};
        },
    .alter = [](const Object&, const Object& to) -> std::optional<std::vector<Statement>> {
      return std::vector<Statement>{sql(to.definition)};
    },
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
