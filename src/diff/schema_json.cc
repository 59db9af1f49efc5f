#include "diff/schema_json.h"

namespace velo::diff {
namespace {

nlohmann::json object_json(const Object& o) {
  return {{"kind", o.kind},
          {"identity", o.identity},
          {"sql_name", o.sql_name},
          {"parent", o.parent},
          {"definition", o.definition},
          {"attributes", o.attributes},
          {"depends_on", o.depends_on},
          {"position", o.position}};
}

Object object_from(const nlohmann::json& j) {
  Object o;
  o.kind = j.at("kind").get<std::string>();
  o.identity = j.at("identity").get<std::string>();
  o.sql_name = j.at("sql_name").get<std::string>();
  o.parent = j.at("parent").get<std::string>();
  o.definition = j.at("definition").get<std::string>();
  o.attributes = j.at("attributes").get<std::map<std::string, std::string>>();
  o.depends_on = j.at("depends_on").get<std::set<std::string>>();
  o.position = j.at("position").get<int>();
  return o;
}

}  // namespace

nlohmann::json schema_to_json(const ClusterSchema& schema) {
  nlohmann::json databases = nlohmann::json::object();
  for (const auto& [name, db] : schema.databases) {
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& [key, object] : db.objects) objects.push_back(object_json(object));
    databases[name] = {{"encoding", db.encoding},     {"collation_provider", db.collation_provider},
                       {"collate", db.collate},       {"ctype", db.ctype},
                       {"icu_locale", db.icu_locale}, {"owner", db.owner},
                       {"objects", objects}};
  }
  return {{"databases", databases}};
}

Result<ClusterSchema> schema_from_json(const nlohmann::json& json) {
  try {
    ClusterSchema schema;
    for (const auto& [name, j] : json.at("databases").items()) {
      DatabaseSchema db;
      db.encoding = j.at("encoding").get<std::string>();
      db.collation_provider = j.at("collation_provider").get<std::string>();
      db.collate = j.at("collate").get<std::string>();
      db.ctype = j.at("ctype").get<std::string>();
      db.icu_locale = j.at("icu_locale").get<std::string>();
      db.owner = j.at("owner").get<std::string>();
      for (const auto& object : j.at("objects")) db.add(object_from(object));
      schema.databases.emplace(name, std::move(db));
    }
    return schema;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::Invalid, "not a schema velo recorded: {}", e.what());
  }
}

}  // namespace velo::diff
