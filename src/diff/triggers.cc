// Triggers (with WHEN, constraint triggers) as pg_get_triggerdef prints
// them, and whether they are enabled. Internal triggers (foreign keys')
// and partitions' copies of a parent's trigger are not read. A new
// definition drops and creates the trigger; ENABLE/DISABLE is in place.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_triggers(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT " + address_of("pg_trigger", "g.oid") +
                    ", format('%I.%I', n.nspname, c.relname), quote_ident(g.tgname),"
                    " pg_get_triggerdef(g.oid), g.tgenabled, c.relkind,"
                    " (SELECT " +
                    address_of("pg_constraint", "k.oid") +
                    " FROM pg_constraint k WHERE k.oid = g.tgconstraint)"
                    " FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND " +
                    user_schema("n") + " AND " + not_in_extension("pg_trigger", "g.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "trigger", .identity = row[1] + "." + row[2]};
    object.parent = (row[5] == "v"   ? "view "
                     : row[5] == "m" ? "materialized view "
                                     : "table ") +
                    row[1];
    object.sql_name = "TRIGGER " + row[2] + " ON " + row[1];
    object.definition = row[3];
    object.attributes["name"] = row[2];
    object.attributes["table"] = row[1];
    object.attributes["enabled"] = row[4] == "O" ? "" : row[4];
    const std::string key = object.key();
    catalog.add(std::move(object), row[0]);
    // A constraint trigger's pg_constraint row is the trigger.
    if (!row[6].empty()) catalog.alias(row[6], key);
  }
  return Status::Ok();
}

namespace {

std::string enable_statement(const Object& o) {
  const std::string& state = o.attr("enabled");
  std::string what = state == "D"   ? "DISABLE"
                     : state == "R" ? "ENABLE REPLICA"
                     : state == "A" ? "ENABLE ALWAYS"
                                    : "ENABLE";
  return "ALTER TABLE " + o.attr("table") + " " + what + " TRIGGER " + o.attr("name");
}

std::vector<Statement> create_trigger(const Object& o, const DatabaseSchema&) {
  std::vector<Statement> statements{sql(o.definition)};
  if (!o.attr("enabled").empty()) statements.push_back(sql(enable_statement(o)));
  return statements;
}

std::optional<std::vector<Statement>> alter_trigger(const Object& from, const Object& to) {
  if (from.definition != to.definition) return std::nullopt;
  return std::vector<Statement>{sql(enable_statement(to))};
}

}  // namespace

const KindRules kTriggerRules = {
    .kind = "trigger",
    .plural = "triggers",
    .create = create_trigger,
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{
              sql("DROP TRIGGER IF EXISTS " + o.attr("name") + " ON " + o.attr("table"))};
        },
    .alter = alter_trigger,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
