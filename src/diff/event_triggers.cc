// Event triggers (CREATE EVENT TRIGGER): event, tags, function, and
// whether they fire. A new event, tag list or function drops and creates
// the trigger; ENABLE/DISABLE is in place.
#include <fmt/format.h>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_event_triggers(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows, catalog.query("SELECT " + address_of("pg_event_trigger", "e.oid") +
                               ", quote_ident(e.evtname), quote_ident(pg_get_userbyid(e.evtowner)),"
                               " e.evtevent, (SELECT string_agg(quote_literal(t), ', ' ORDER BY t)"
                               "  FROM unnest(e.evttags) t), e.evtfoid::regproc::text, e.evtenabled"
                               " FROM pg_event_trigger e WHERE " +
                               not_in_extension("pg_event_trigger", "e.oid")));
  for (const auto& row : rows) {
    Object object{
        .kind = "event trigger", .identity = row[1], .sql_name = "EVENT TRIGGER " + row[1]};
    object.attributes["owner"] = row[2];
    object.attributes["enabled"] = row[6] == "O" ? "" : row[6];
    std::string text = fmt::format("CREATE EVENT TRIGGER {} ON {}", row[1], row[3]);
    if (!row[4].empty()) text += fmt::format(" WHEN TAG IN ({})", row[4]);
    text += fmt::format(" EXECUTE FUNCTION {}()", row[5]);
    object.definition = std::move(text);
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

Statement enable_statement(const Object& o) {
  const std::string& state = o.attr("enabled");
  std::string what = state == "D"   ? "DISABLE"
                     : state == "R" ? "ENABLE REPLICA"
                     : state == "A" ? "ENABLE ALWAYS"
                                    : "ENABLE";
  return sql(fmt::format("ALTER EVENT TRIGGER {} {}", o.identity, what));
}

std::vector<Statement> create_event_trigger(const Object& o, const DatabaseSchema&) {
  std::vector<Statement> statements{sql(o.definition)};
  if (!o.attr("enabled").empty()) statements.push_back(enable_statement(o));
  return statements;
}

std::optional<std::vector<Statement>> alter_event_trigger(const Object& from, const Object& to) {
  if (from.definition != to.definition) return std::nullopt;
  return std::vector<Statement>{enable_statement(to)};
}

}  // namespace

const KindRules kEventTriggerRules = {
    .kind = "event trigger",
    .plural = "event triggers",
    .create = create_event_trigger,
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("DROP EVENT TRIGGER IF EXISTS " + o.identity)};
        },
    .alter = alter_event_trigger,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
