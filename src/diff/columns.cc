// Table columns, compared by name (their order does not matter): type,
// collation, default, NOT NULL, identity, generated expression. A new
// type, default, NOT NULL or identity is an ALTER COLUMN; a new
// generation expression drops and adds the column.
#include "diff/catalog.h"
#include "diff/column_types.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_columns(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_class", "c.oid", "a.attnum") +
          ", format('%I.%I', n.nspname, c.relname), quote_ident(a.attname),"
          " format_type(a.atttypid, a.atttypmod),"
          " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
          "  THEN a.attcollation::regcollation::text END,"
          " pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attnotnull, a.attidentity,"
          " a.attinhcount > 0, a.attnum, " +
          address_of("pg_attrdef", "d.oid") +
          " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
          " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
          " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
          " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND " +
          user_schema("n") + " AND " + not_in_extension("pg_class", "c.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "column", .identity = row[1] + "." + row[2]};
    object.sql_name = "COLUMN " + object.identity;
    object.parent = "table " + row[1];
    object.position = std::stoi(row[10]);
    object.attributes["name"] = row[2];
    object.attributes["type"] = row[3];
    object.attributes["collation"] = row[4];
    object.attributes[row[6] == "s" ? "generated" : "default"] = row[5];
    object.attributes["not_null"] = row[7] == "t" ? "true" : "";
    object.attributes["identity"] = row[8] == "a" ? "ALWAYS" : row[8] == "d" ? "BY DEFAULT" : "";
    object.attributes["inherited"] = row[9] == "t" ? "true" : "";
    object.definition = column_definition(object);
    if (!row[5].empty()) catalog.alias(row[11], object.key());
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

std::string column_definition(const Object& column) {
  std::string text = column.attr("name") + " " + column.attr("type");
  if (!column.attr("collation").empty()) text += " COLLATE " + column.attr("collation");
  if (!column.attr("generated").empty()) {
    text += " GENERATED ALWAYS AS (" + column.attr("generated") + ") STORED";
  }
  if (!column.attr("default").empty()) text += " DEFAULT " + column.attr("default");
  if (!column.attr("identity").empty()) {
    text += " GENERATED " + column.attr("identity") + " AS IDENTITY";
  }
  if (!column.attr("not_null").empty()) text += " NOT NULL";
  return text;
}

namespace {

std::string table_of(const Object& column) { return column.parent.substr(sizeof("table")); }

std::optional<std::vector<Statement>> alter_column(const Object& from, const Object& to) {
  if (from.attr("generated") != to.attr("generated")) return std::nullopt;
  std::vector<Statement> statements;
  const std::string alter =
      "ALTER TABLE " + table_of(to) + " ALTER COLUMN " + to.attr("name") + " ";
  // An inherited column changes with its parent's; only its default is its own.
  const bool own = to.attr("inherited").empty();
  bool retyped = own && (from.attr("type") != to.attr("type") ||
                         from.attr("collation") != to.attr("collation"));
  bool default_changed = from.attr("default") != to.attr("default");
  // The old default may not cast to the new type: off first, on after.
  if (!from.attr("default").empty() && (default_changed || retyped)) {
    statements.push_back(sql(alter + "DROP DEFAULT"));
  }
  if (own && !from.attr("identity").empty() && from.attr("identity") != to.attr("identity")) {
    statements.push_back(sql(alter + "DROP IDENTITY"));
  }
  if (retyped) {
    std::string type = to.attr("type");
    if (!to.attr("collation").empty()) type += " COLLATE " + to.attr("collation");
    statements.push_back(
        sql(alter + "TYPE " + type + " USING " + to.attr("name") + "::" + to.attr("type")));
  }
  if (!to.attr("default").empty() && (default_changed || retyped)) {
    statements.push_back(sql(alter + "SET DEFAULT " + to.attr("default")));
  }
  if (own && from.attr("not_null") != to.attr("not_null")) {
    statements.push_back(
        sql(alter + (to.attr("not_null").empty() ? "DROP NOT NULL" : "SET NOT NULL")));
  }
  if (own && !to.attr("identity").empty() && from.attr("identity") != to.attr("identity")) {
    statements.push_back(sql(alter + "ADD GENERATED " + to.attr("identity") + " AS IDENTITY"));
  }
  return statements;
}

std::vector<Statement> drop_column(const Object& o) {
  if (!o.attr("inherited").empty()) return {};  // goes with the parent's column
  return {sql("ALTER TABLE " + table_of(o) + " DROP COLUMN IF EXISTS " + o.attr("name"))};
}

// IF NOT EXISTS: a partition or child made plain keeps its columns. An
// inherited column comes with its parent's.
std::vector<Statement> create_column(const Object& o, const DatabaseSchema&) {
  if (!o.attr("inherited").empty()) return {};
  return {sql("ALTER TABLE " + table_of(o) + " ADD COLUMN IF NOT EXISTS " + o.definition)};
}

bool retyped(const Object& from, const Object& to) {
  return from.attr("type") != to.attr("type") || from.attr("collation") != to.attr("collation");
}

}  // namespace

const KindRules kColumnRules = {
    .kind = "column",
    .plural = "columns",
    .create = create_column,
    .drop = drop_column,
    .alter = alter_column,
    .hazards = column_hazards,
    .alter_rebuilds_dependents = retyped,
    .created_with_parent = true,
};

}  // namespace velo::diff
