#include "support/schema_builder.h"

#include "diff/column_types.h"

namespace velo::diff::testing {

Object& SchemaBuilder::add(Object object) {
  std::string key = object.key();
  db_.add(std::move(object));
  return db_.objects.at(key);
}

Object& SchemaBuilder::schema(const std::string& name) {
  Object object{.kind = "schema", .identity = name, .sql_name = "SCHEMA " + name};
  object.definition = "CREATE SCHEMA " + name;
  object.attributes["owner"] = "postgres";
  return add(std::move(object));
}

Object& SchemaBuilder::table(const std::string& name, const std::string& owner) {
  Object object{.kind = "table", .identity = name, .sql_name = "TABLE " + name};
  object.definition = "CREATE TABLE " + name;
  object.attributes["owner"] = owner;
  object.depends_on.insert("schema " + name.substr(0, name.find('.')));
  return add(std::move(object));
}

Object& SchemaBuilder::column(const std::string& table, const std::string& name,
                              const std::string& type, int position,
                              const std::string& default_value, bool not_null) {
  Object object{.kind = "column", .identity = table + "." + name};
  object.sql_name = "COLUMN " + object.identity;
  object.parent = "table " + table;
  object.position = position;
  object.attributes["name"] = name;
  object.attributes["type"] = type;
  object.attributes["collation"] = "";
  object.attributes["default"] = default_value;
  object.attributes["not_null"] = not_null ? "true" : "";
  object.attributes["identity"] = "";
  object.attributes["inherited"] = "";
  object.definition = column_definition(object);
  return add(std::move(object));
}

Object& SchemaBuilder::view(const std::string& name, const std::string& query,
                            const std::vector<std::string>& depends_on) {
  Object object{.kind = "view", .identity = name, .sql_name = "VIEW " + name};
  object.definition = "CREATE VIEW " + name + " AS\n" + query;
  object.attributes["owner"] = "postgres";
  object.attributes["options"] = "";
  object.depends_on.insert(depends_on.begin(), depends_on.end());
  return add(std::move(object));
}

Object& SchemaBuilder::index(const std::string& name, const std::string& table,
                             const std::string& definition) {
  Object object{.kind = "index", .identity = name, .sql_name = "INDEX " + name};
  object.parent = "table " + table;
  object.definition = definition;
  return add(std::move(object));
}

Object& SchemaBuilder::check(const std::string& table, const std::string& name,
                             const std::string& definition) {
  Object object{.kind = "constraint", .identity = table + "." + name};
  object.parent = "table " + table;
  object.sql_name = "CONSTRAINT " + name + " ON " + table;
  object.definition = definition;
  object.attributes["name"] = name;
  object.attributes["type"] = "c";
  object.attributes["validated"] = definition.find("NOT VALID") == std::string::npos ? "true" : "";
  return add(std::move(object));
}

Object& SchemaBuilder::enum_type(const std::string& name, const std::vector<std::string>& labels) {
  Object object{.kind = "type", .identity = name, .sql_name = "TYPE " + name};
  std::string joined, listed;
  for (const auto& label : labels) {
    joined += (joined.empty() ? "'" : "\n'") + label + "'";
    listed += (listed.empty() ? "'" : ", '") + label + "'";
  }
  object.attributes["labels"] = joined;
  object.attributes["schema"] = name.substr(0, name.find('.'));
  object.attributes["owner"] = "postgres";
  object.definition = "CREATE TYPE " + name + " AS ENUM (" + listed + ")";
  return add(std::move(object));
}

Object& SchemaBuilder::sequence(const std::string& name) {
  Object object{.kind = "sequence", .identity = name, .sql_name = "SEQUENCE " + name};
  object.attributes["owner"] = "postgres";
  object.attributes["options"] = "AS integer INCREMENT BY 1";
  object.definition = "CREATE SEQUENCE " + name + " AS integer INCREMENT BY 1";
  return add(std::move(object));
}

Object& SchemaBuilder::comment(const std::string& target_key, const std::string& target_sql_name,
                               const std::string& text) {
  Object object{.kind = "comment", .identity = target_key, .parent = target_key};
  object.definition = "COMMENT ON " + target_sql_name + " IS '" + text + "'";
  object.attributes["target"] = target_sql_name;
  return add(std::move(object));
}

}  // namespace velo::diff::testing
