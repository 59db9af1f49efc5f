// Tables: plain, UNLOGGED, partitioned, partitions, inheritance children,
// storage parameters, row-level security switches. Columns are objects of
// their own (columns.cc) that CREATE TABLE includes. Persistence, storage
// parameters, partition attachment, inheritance and RLS change in place;
// a new partition key drops and creates the table.
#include <fmt/format.h>

#include <algorithm>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_tables(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_class", "c.oid") +
          ", format('%I.%I', n.nspname, c.relname), quote_ident(pg_get_userbyid(c.relowner)),"
          " c.relpersistence, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
          " (SELECT format('%I.%I', pn.nspname, p.relname) FROM pg_inherits i"
          "  JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
          "  WHERE i.inhrelid = c.oid AND c.relispartition),"
          " pg_get_expr(c.relpartbound, c.oid),"
          " (SELECT string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY i.inhseqno)"
          "  FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent"
          "  JOIN pg_namespace pn ON pn.oid = p.relnamespace"
          "  WHERE i.inhrelid = c.oid AND NOT c.relispartition),"
          " array_to_string(c.reloptions, ', '), c.relrowsecurity, c.relforcerowsecurity"
          " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          " WHERE c.relkind IN ('r', 'p') AND " +
          user_schema("n") + " AND " + not_in_extension("pg_class", "c.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "table", .identity = row[1], .sql_name = "TABLE " + row[1]};
    object.attributes["owner"] = row[2];
    object.attributes["unlogged"] = row[3] == "u" ? "true" : "";
    object.attributes["partition_by"] = row[4];
    object.attributes["partition_of"] = row[5];
    object.attributes["partition_bound"] = row[6];
    object.attributes["inherits"] = row[7];
    object.attributes["options"] = row[8];
    object.attributes["row_security"] = row[9] == "t" ? "enabled" : "";
    object.attributes["force_row_security"] = row[10] == "t" ? "forced" : "";
    std::string text =
        std::string("CREATE ") + (row[3] == "u" ? "UNLOGGED " : "") + "TABLE " + row[1];
    if (!row[5].empty()) text += " PARTITION OF " + row[5] + " " + row[6];
    if (!row[7].empty()) text += " INHERITS (" + row[7] + ")";
    if (!row[4].empty()) text += " PARTITION BY " + row[4];
    if (!row[8].empty()) text += " WITH (" + row[8] + ")";
    if (row[9] == "t") text += "\nROW LEVEL SECURITY ENABLED";
    if (row[10] == "t") text += "\nROW LEVEL SECURITY FORCED";
    object.definition = std::move(text);
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

std::vector<Statement> row_security(const Object& from, const Object& to) {
  std::vector<Statement> statements;
  const std::string alter = "ALTER TABLE " + to.identity;
  if (from.attr("row_security") != to.attr("row_security")) {
    statements.push_back(sql(alter + (to.attr("row_security").empty() ? " DISABLE" : " ENABLE") +
                             " ROW LEVEL SECURITY"));
  }
  if (from.attr("force_row_security") != to.attr("force_row_security")) {
    statements.push_back(sql(alter +
                             (to.attr("force_row_security").empty() ? " NO FORCE" : " FORCE") +
                             " ROW LEVEL SECURITY"));
  }
  return statements;
}

std::vector<Statement> create_table(const Object& o, const DatabaseSchema& db) {
  std::vector<const Object*> columns;
  for (const auto& [key, object] : db.objects) {
    if (object.kind == "column" && object.parent == o.key()) columns.push_back(&object);
  }
  std::sort(columns.begin(), columns.end(),
            [](const Object* a, const Object* b) { return a->position < b->position; });
  std::string text = std::string("CREATE ") + (o.attr("unlogged").empty() ? "" : "UNLOGGED ") +
                     "TABLE " + o.identity;
  if (!o.attr("partition_of").empty()) {
    text += " PARTITION OF " + o.attr("partition_of") + " " + o.attr("partition_bound");
  } else {
    std::vector<std::string> definitions;
    definitions.reserve(columns.size());
    for (const Object* column : columns) definitions.push_back(column->definition);
    text += " (" + join(definitions, ", ") + ")";
    if (!o.attr("inherits").empty()) text += " INHERITS (" + o.attr("inherits") + ")";
  }
  if (!o.attr("partition_by").empty()) text += " PARTITION BY " + o.attr("partition_by");
  if (!o.attr("options").empty()) text += " WITH (" + o.attr("options") + ")";
  std::vector<Statement> statements{sql(text)};
  auto security = row_security(Object{}, o);
  statements.insert(statements.end(), security.begin(), security.end());
  return statements;
}

// The names of "a=1, b=2".
std::vector<std::string> option_names(const std::string& options) {
  std::vector<std::string> names;
  for (const auto& item : split(options, ',')) {
    std::string name = item.substr(0, item.find('='));
    name.erase(0, name.find_first_not_of(' '));
    names.push_back(name);
  }
  return names;
}

std::optional<std::vector<Statement>> alter_table(const Object& from, const Object& to) {
  if (from.attr("partition_by") != to.attr("partition_by")) return std::nullopt;
  std::vector<Statement> statements;
  const std::string alter = "ALTER TABLE " + to.identity;
  if (from.attr("unlogged") != to.attr("unlogged")) {
    statements.push_back(
        sql(alter + (to.attr("unlogged").empty() ? " SET LOGGED" : " SET UNLOGGED")));
  }
  if (from.attr("options") != to.attr("options")) {
    auto kept = option_names(to.attr("options"));
    std::vector<std::string> reset;
    for (const auto& name : option_names(from.attr("options"))) {
      if (std::find(kept.begin(), kept.end(), name) == kept.end()) reset.push_back(name);
    }
    if (!reset.empty()) statements.push_back(sql(alter + " RESET (" + join(reset, ", ") + ")"));
    if (!to.attr("options").empty())
      statements.push_back(sql(alter + " SET (" + to.attr("options") + ")"));
  }
  if (from.attr("partition_of") != to.attr("partition_of") ||
      from.attr("partition_bound") != to.attr("partition_bound")) {
    if (!from.attr("partition_of").empty()) {
      statements.push_back(
          sql("ALTER TABLE " + from.attr("partition_of") + " DETACH PARTITION " + to.identity));
    }
    if (!to.attr("partition_of").empty()) {
      statements.push_back(sql("ALTER TABLE " + to.attr("partition_of") + " ATTACH PARTITION " +
                               to.identity + " " + to.attr("partition_bound")));
    }
  }
  if (from.attr("inherits") != to.attr("inherits")) {
    auto old_parents = split(from.attr("inherits"), ',');
    auto new_parents = split(to.attr("inherits"), ',');
    for (auto& p : old_parents) p.erase(0, p.find_first_not_of(' '));
    for (auto& p : new_parents) p.erase(0, p.find_first_not_of(' '));
    for (const auto& p : old_parents) {
      if (std::find(new_parents.begin(), new_parents.end(), p) == new_parents.end()) {
        statements.push_back(sql(fmt::format("{} NO INHERIT {}", alter, p)));
      }
    }
    for (const auto& p : new_parents) {
      if (std::find(old_parents.begin(), old_parents.end(), p) == old_parents.end()) {
        statements.push_back(sql(fmt::format("{} INHERIT {}", alter, p)));
      }
    }
  }
  auto security = row_security(from, to);
  statements.insert(statements.end(), security.begin(), security.end());
  return statements;
}

std::vector<Hazard> table_hazards(const Object* from, const Object* to, const DatabaseSchema&) {
  std::vector<Hazard> hazards;
  if (from == nullptr || to == nullptr) return hazards;
  if (from->attr("unlogged") != to->attr("unlogged")) {
    hazards.push_back(
        {HazardKind::TableRewrite, (to->attr("unlogged").empty() ? "SET LOGGED" : "SET UNLOGGED") +
                                       std::string(" rewrites table ") + to->identity});
  }
  if (from->attr("partition_by") != to->attr("partition_by")) {
    hazards.push_back({HazardKind::DataLoss, "a new partition key drops and creates table " +
                                                 to->identity + " with its rows"});
  }
  if (to->attr("partition_of") != from->attr("partition_of") && !to->attr("partition_of").empty()) {
    hazards.push_back({HazardKind::FullScanValidation,
                       "ATTACH PARTITION scans " + to->identity + " to check its bound"});
  }
  return hazards;
}

}  // namespace

const KindRules kTableRules = {
    .kind = "table",
    .plural = "tables",
    .create = create_table,
    .drop = [](const Object& o) { return std::vector<Statement>{sql("DROP TABLE " + o.identity)}; },
    .alter = alter_table,
    .hazards = table_hazards,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
