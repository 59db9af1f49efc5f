// Table constraints (primary key, unique, foreign key, check, exclusion)
// and domain CHECK constraints, as pg_get_constraintdef prints them (with
// NOT VALID, DEFERRABLE). A constraint made valid is validated in place;
// any other change drops and adds it. Inherited copies (partitions,
// children) come with their parent's and are not read.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_constraints(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_constraint", "k.oid") +
          ", quote_ident(k.conname), pg_get_constraintdef(k.oid), k.contype, k.convalidated,"
          " CASE WHEN k.contypid <> 0 THEN format('%I.%I', tn.nspname, t.typname)"
          "  ELSE format('%I.%I', cn.nspname, c.relname) END, k.contypid <> 0, " +
          address_of("pg_class", "k.conindid") +
          " FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace"
          " LEFT JOIN pg_class c ON c.oid = k.conrelid"
          " LEFT JOIN pg_namespace cn ON cn.oid = c.relnamespace"
          " LEFT JOIN pg_type t ON t.oid = k.contypid"
          " LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace"
          " WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conislocal AND k.conparentid = 0"
          " AND (k.conrelid = 0 OR c.relkind IN ('r', 'p')) AND " +
          user_schema("n") + " AND " + not_in_extension("pg_constraint", "k.oid")));
  for (const auto& row : rows) {
    bool on_domain = row[6] == "t";
    Object object{.kind = "constraint", .identity = row[5] + "." + row[1]};
    object.parent = (on_domain ? "domain " : "table ") + row[5];
    object.sql_name = "CONSTRAINT " + row[1] + (on_domain ? " ON DOMAIN " : " ON ") + row[5];
    object.definition = row[2];
    object.attributes["name"] = row[1];
    object.attributes["type"] = row[3];
    object.attributes["validated"] = row[4] == "t" ? "true" : "";
    const std::string key = object.key();
    catalog.add(std::move(object), row[0]);
    // The index behind a key or exclusion constraint is the constraint.
    if (row[3] == "p" || row[3] == "u" || row[3] == "x") catalog.alias(row[7], key);
  }
  return Status::Ok();
}

namespace {

// "ALTER TABLE t" or "ALTER DOMAIN d".
std::string alter_owner_of(const Object& o) {
  bool on_domain = o.parent.rfind("domain ", 0) == 0;
  return (on_domain ? "ALTER DOMAIN " : "ALTER TABLE ") + o.parent.substr(o.parent.find(' ') + 1);
}

std::string without_not_valid(const std::string& definition) {
  const std::string suffix = " NOT VALID";
  if (definition.size() > suffix.size() &&
      definition.compare(definition.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return definition.substr(0, definition.size() - suffix.size());
  }
  return definition;
}

std::optional<std::vector<Statement>> alter_constraint(const Object& from, const Object& to) {
  bool validated_only = from.attr("validated").empty() && !to.attr("validated").empty() &&
                        without_not_valid(from.definition) == to.definition;
  if (!validated_only) return std::nullopt;
  return std::vector<Statement>{
      sql(alter_owner_of(to) + " VALIDATE CONSTRAINT " + to.attr("name"))};
}

std::vector<Hazard> constraint_hazards(const Object* from, const Object* to,
                                       const DatabaseSchema& from_db) {
  if (to == nullptr || from_db.find(to->parent) == nullptr) return {};  // new table: empty
  const std::string& type = to->attr("type");
  bool validates =
      !to->attr("validated").empty() &&
      (from == nullptr || from->attr("validated").empty() || from->definition != to->definition);
  if ((type == "p" || type == "u" || type == "x") &&
      (from == nullptr || from->definition != to->definition)) {
    return {{HazardKind::IndexBuild, "adding " + to->identity + " builds its index under lock"}};
  }
  if ((type == "c" || type == "f") && validates) {
    return {{HazardKind::FullScanValidation,
             "validating " + to->identity + " scans the table (add it NOT VALID, then VALIDATE)"}};
  }
  return {};
}

}  // namespace

const KindRules kConstraintRules = {
    .kind = "constraint",
    .plural = "constraints",
    .create =
        [](const Object& o, const DatabaseSchema&) {
          return std::vector<Statement>{
              sql(alter_owner_of(o) + " ADD CONSTRAINT " + o.attr("name") + " " + o.definition)};
        },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql(alter_owner_of(o) + " DROP CONSTRAINT IF EXISTS " + o.attr("name"))};
        },
    .alter = alter_constraint,
    .hazards = constraint_hazards,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
