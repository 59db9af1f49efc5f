// Functions and procedures, as pg_get_functiondef prints them (CREATE OR
// REPLACE ...). A new body replaces in place; a new result type or new
// argument names or defaults, which CREATE OR REPLACE refuses, drop and
// create. Aggregates are not read.
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_functions(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows, catalog.query("SELECT " + address_of("pg_proc", "p.oid") +
                               ", format('%I.%I(%s)', n.nspname, p.proname,"
                               " pg_get_function_identity_arguments(p.oid)),"
                               " quote_ident(pg_get_userbyid(p.proowner)), p.prokind,"
                               " pg_get_functiondef(p.oid), pg_get_function_result(p.oid),"
                               " pg_get_function_arguments(p.oid)"
                               " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                               " WHERE p.prokind IN ('f', 'p', 'w') AND " +
                               user_schema("n") + " AND " + not_in_extension("pg_proc", "p.oid") +
                               // A range type's constructors are part of the type.
                               " AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid ="
                               " 'pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')"));
  for (const auto& row : rows) {
    bool procedure = row[3] == "p";
    Object object{.kind = procedure ? "procedure" : "function", .identity = row[1]};
    object.sql_name = (procedure ? "PROCEDURE " : "FUNCTION ") + row[1];
    object.attributes["owner"] = row[2];
    object.definition = row[4];
    // Trailing newline of pg_get_functiondef: not part of the statement.
    while (!object.definition.empty() && object.definition.back() == '\n') {
      object.definition.pop_back();
    }
    object.attributes["result"] = row[5];
    object.attributes["arguments"] = row[6];
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

std::vector<Statement> create_function(const Object& o, const DatabaseSchema&) {
  return {sql(o.definition)};
}

std::optional<std::vector<Statement>> alter_function(const Object& from, const Object& to) {
  if (from.attr("result") != to.attr("result") || from.attr("arguments") != to.attr("arguments")) {
    return std::nullopt;
  }
  return std::vector<Statement>{sql(to.definition)};
}

}  // namespace

const KindRules kFunctionRules = {
    .kind = "function",
    .plural = "functions",
    .create = create_function,
    .drop = [](const Object& o) { return std::vector<Statement>{sql("DROP " + o.sql_name)}; },
    .alter = alter_function,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

const KindRules kProcedureRules = {
    .kind = "procedure",
    .plural = "procedures",
    .create = create_function,
    .drop = [](const Object& o) { return std::vector<Statement>{sql("DROP " + o.sql_name)}; },
    .alter = alter_function,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
