#include "diff/schema_json.h"

namespace velo::diff {
namespace {

// Member by member: an initializer list would copy each value once more.
nlohmann::json object_json(const Object& o) {
  nlohmann::json j = nlohmann::json::object();
  j["kind"] = o.kind;
  j["identity"] = o.identity;
  j["sql_name"] = o.sql_name;
  j["parent"] = o.parent;
  j["definition"] = o.definition;
  j["attributes"] = o.attributes;
  j["depends_on"] = o.depends_on;
  j["position"] = o.position;
  return j;
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
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json& databases = out["databases"] = nlohmann::json::object();
  for (const auto& [name, db] : schema.databases) {
    nlohmann::json& j = databases[name] = nlohmann::json::object();
    j["encoding"] = db.encoding;
    j["collation_provider"] = db.collation_provider;
    j["collate"] = db.collate;
    j["ctype"] = db.ctype;
    j["icu_locale"] = db.icu_locale;
    j["owner"] = db.owner;
    nlohmann::json& objects = j["objects"] = nlohmann::json::array();
    objects.get_ref<nlohmann::json::array_t&>().reserve(db.objects.size());
    for (const auto& [key, object] : db.objects) objects.push_back(object_json(object));
  }
  return out;
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
