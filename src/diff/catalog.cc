#include "diff/catalog.h"

namespace velo::diff {

Result<std::vector<pg::Row>> Catalog::query(const std::string& sql) {
  if (listed != nullptr) {
    listed->push_back(sql);
    return std::vector<pg::Row>{};
  }
  if (sent == nullptr) return session.query(sql);
  // A reader whose statement depended on rows read before it would ask
  // for another one than the dry run listed.
  if (sent_statements == nullptr || next_sent >= sent_statements->size() ||
      (*sent_statements)[next_sent] != sql) {
    return make_error(ErrorKind::Io, "internal: a catalog reader's statement was not listed");
  }
  ++next_sent;
  return sent->next();
}

void Catalog::add(Object object, const std::string& address) {
  if (!address.empty()) {
    key_by_address[address] = object.key();
    object_by_address[address] = object.key();
  }
  schema.add(std::move(object));
}

void Catalog::alias(const std::string& address, const std::string& key) {
  key_by_address[address] = key;
}

std::string Catalog::key_at(const std::string& address) const {
  auto it = key_by_address.find(address);
  if (it != key_by_address.end()) return it->second;
  size_t last = address.rfind(':');
  if (last == std::string::npos || address.substr(last + 1) == "0") return "";
  it = key_by_address.find(address.substr(0, last) + ":0");
  return it == key_by_address.end() ? "" : it->second;
}

const Object* Catalog::object_at(const std::string& address) const {
  auto it = object_by_address.find(address);
  return it == object_by_address.end() ? nullptr : schema.find(it->second);
}

std::string user_schema(const std::string& nsp_alias) {
  const std::string n = nsp_alias + ".nspname";
  return "(" + n + " NOT IN ('pg_catalog', 'information_schema') AND " + n +
         " NOT LIKE 'pg\\_toast%' AND " + n + " NOT LIKE 'pg\\_temp%')";
}

std::string not_in_extension(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend member WHERE member.classid = '" + catalog +
         "'::regclass AND member.objid = " + oid + " AND member.deptype = 'e')";
}

std::string address_of(const std::string& catalog, const std::string& oid,
                       const std::string& subid) {
  return "concat('" + catalog + "'::regclass::oid, ':', " + oid + ", ':', " + subid + ")";
}

}  // namespace velo::diff
