// Hand-built schema models for the unit tests of src/diff/: objects with
// the attributes the catalog readers give them, so that the differ, the
// planner and the merge see what they would see from a server.
#pragma once

#include <string>
#include <vector>

#include "diff/model.h"

namespace velo::diff::testing {

class SchemaBuilder {
 public:
  explicit SchemaBuilder(DatabaseSchema& db) : db_(db) {}

  Object& schema(const std::string& name);
  Object& table(const std::string& name, const std::string& owner = "postgres");
  // A column of `table` at `position`, "type" as format_type prints it.
  Object& column(const std::string& table, const std::string& name, const std::string& type,
                 int position, const std::string& default_value = "", bool not_null = false);
  Object& view(const std::string& name, const std::string& query,
               const std::vector<std::string>& depends_on);
  Object& index(const std::string& name, const std::string& table, const std::string& definition);
  Object& check(const std::string& table, const std::string& name, const std::string& definition);
  Object& enum_type(const std::string& name, const std::vector<std::string>& labels);
  Object& sequence(const std::string& name);
  Object& comment(const std::string& target_key, const std::string& target_sql_name,
                  const std::string& text);
  Object& add(Object object);

 private:
  DatabaseSchema& db_;
};

// A cluster of one database "app" built by `build`.
template <typename Build>
ClusterSchema cluster(Build build) {
  ClusterSchema cluster;
  DatabaseSchema& db = cluster.databases["app"];
  db.encoding = "UTF8";
  db.collation_provider = "libc";
  db.collate = "C";
  db.ctype = "C";
  db.owner = "postgres";
  SchemaBuilder builder(db);
  build(builder);
  return cluster;
}

}  // namespace velo::diff::testing
