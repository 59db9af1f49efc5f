// Enum, composite and range types. An enum grows in place (ADD VALUE,
// outside a transaction so later statements may use the value); a
// composite type adds, drops and retypes attributes in place; anything
// else drops and creates the type.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_types(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query(
          "SELECT " + address_of("pg_type", "t.oid") +
          ", format('%I.%I', n.nspname, t.typname), quote_ident(pg_get_userbyid(t.typowner)),"
          " t.typtype,"
          " (SELECT string_agg(quote_literal(e.enumlabel), E'\\n' ORDER BY e.enumsortorder)"
          "  FROM pg_enum e WHERE e.enumtypid = t.oid),"
          " (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))"
          "   || CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation"
          "      THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END,"
          "   E'\\n' ORDER BY a.attnum) FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid"
          "  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),"
          " (SELECT concat_ws(', ', 'SUBTYPE = ' || format_type(r.rngsubtype, NULL),"
          "   CASE WHEN r.rngcollation <> 0 THEN 'COLLATION = ' ||"
          "     r.rngcollation::regcollation::text END,"
          "   CASE WHEN r.rngcanonical <> 0 THEN 'CANONICAL = ' || r.rngcanonical::regproc::text "
          "END,"
          "   CASE WHEN r.rngsubdiff <> 0 THEN 'SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text "
          "END)"
          "  FROM pg_range r WHERE r.rngtypid = t.oid),"
          " concat(" +
          address_of("pg_class", "t.typrelid") +
          "), quote_ident(n.nspname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
          " LEFT JOIN pg_class c ON c.oid = t.typrelid"
          " WHERE t.typtype IN ('e', 'c', 'r') AND (t.typtype <> 'c' OR c.relkind = 'c') AND " +
          user_schema("n") + " AND " + not_in_extension("pg_type", "t.oid")));
  for (const auto& row : rows) {
    Object object{.kind = "type", .identity = row[1], .sql_name = "TYPE " + row[1]};
    object.attributes["owner"] = row[2];
    object.attributes["schema"] = row[8];
    if (row[3] == "e") {
      object.attributes["labels"] = row[4];
      object.definition =
          "CREATE TYPE " + row[1] + " AS ENUM (" + join(split(row[4], '\n'), ", ") + ")";
    } else if (row[3] == "c") {
      object.attributes["attributes"] = row[5];
      object.definition = "CREATE TYPE " + row[1] + " AS (" + join(split(row[5], '\n'), ", ") + ")";
      catalog.alias(row[7], object.key());
    } else {
      object.definition = "CREATE TYPE " + row[1] + " AS RANGE (" + row[6] + ")";
    }
    catalog.add(std::move(object), row[0]);
  }
  return Status::Ok();
}

namespace {

// "name type ..." -> name, for quoted names too.
std::string leading_name(const std::string& entry) {
  if (entry.empty() || entry[0] != '"') return entry.substr(0, entry.find(' '));
  size_t i = 1;
  while (i < entry.size()) {
    if (entry[i] == '"' && (i + 1 >= entry.size() || entry[i + 1] != '"')) break;
    i += entry[i] == '"' ? 2 : 1;
  }
  return entry.substr(0, i + 1);
}

std::optional<std::vector<Statement>> add_enum_values(const Object& from, const Object& to) {
  auto old_labels = split(from.attr("labels"), '\n');
  auto new_labels = split(to.attr("labels"), '\n');
  std::vector<Statement> statements;
  size_t matched = 0;
  for (size_t i = 0; i < new_labels.size(); ++i) {
    if (matched < old_labels.size() && old_labels[matched] == new_labels[i]) {
      ++matched;
      continue;
    }
    std::string where = i > 0                       ? " AFTER " + new_labels[i - 1]
                        : i + 1 < new_labels.size() ? " BEFORE " + new_labels[i + 1]
                                                    : "";
    Statement add = sql("ALTER TYPE " + to.identity + " ADD VALUE " + new_labels[i] + where);
    add.transactional = false;
    statements.push_back(std::move(add));
  }
  if (matched != old_labels.size()) return std::nullopt;  // a value removed or moved
  return statements;
}

std::optional<std::vector<Statement>> alter_composite(const Object& from, const Object& to) {
  std::map<std::string, std::string> old_entries, new_entries;
  std::vector<std::string> old_order, new_order;
  for (const auto& entry : split(from.attr("attributes"), '\n')) {
    old_entries[leading_name(entry)] = entry;
    old_order.push_back(leading_name(entry));
  }
  for (const auto& entry : split(to.attr("attributes"), '\n')) {
    new_entries[leading_name(entry)] = entry;
    new_order.push_back(leading_name(entry));
  }
  // Kept attributes keep their order and new ones come last, else rebuild.
  std::vector<std::string> kept;
  for (const auto& name : old_order) {
    if (new_entries.count(name) != 0) kept.push_back(name);
  }
  if (!std::equal(kept.begin(), kept.end(), new_order.begin(),
                  new_order.begin() + static_cast<std::ptrdiff_t>(kept.size()))) {
    return std::nullopt;
  }
  std::vector<Statement> statements;
  const std::string alter = "ALTER TYPE " + to.identity + " ";
  for (const auto& name : old_order) {
    if (new_entries.count(name) == 0) {
      statements.push_back(sql(fmt::format("{}DROP ATTRIBUTE {}", alter, name)));
    }
  }
  for (const auto& name : kept) {
    if (old_entries[name] != new_entries[name]) {
      std::string type = new_entries[name].substr(name.size() + 1);
      statements.push_back(sql(fmt::format("{}ALTER ATTRIBUTE {} TYPE {}", alter, name, type)));
    }
  }
  for (size_t i = kept.size(); i < new_order.size(); ++i) {
    statements.push_back(sql(fmt::format("{}ADD ATTRIBUTE {}", alter, new_entries[new_order[i]])));
  }
  return statements;
}

std::optional<std::vector<Statement>> alter_type(const Object& from, const Object& to) {
  if (!to.attr("labels").empty() && !from.attr("labels").empty()) return add_enum_values(from, to);
  if (!to.attr("attributes").empty() && !from.attr("attributes").empty()) {
    return alter_composite(from, to);
  }
  return std::nullopt;
}

std::vector<Hazard> type_hazards(const Object* from, const Object* to, const DatabaseSchema&) {
  if (from == nullptr || to == nullptr || from->attr("labels").empty()) return {};
  auto new_labels = split(to->attr("labels"), '\n');
  std::vector<Hazard> hazards;
  for (const auto& label : split(from->attr("labels"), '\n')) {
    if (std::find(new_labels.begin(), new_labels.end(), label) == new_labels.end()) {
      hazards.push_back(
          {HazardKind::EnumValueRemoval, "removes value " + label + " from enum " + to->identity});
    }
  }
  return hazards;
}

}  // namespace

const KindRules kTypeRules = {
    .kind = "type",
    .plural = "types",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop = [](const Object& o) { return std::vector<Statement>{sql("DROP TYPE " + o.identity)}; },
    .alter = alter_type,
    .hazards = type_hazards,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
