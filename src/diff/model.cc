#include "diff/model.h"

namespace velo::diff {

const std::string& Object::attr(const std::string& name) const {
  static const std::string kEmpty;
  auto it = attributes.find(name);
  return it == attributes.end() ? kEmpty : it->second;
}

bool same(const Object& a, const Object& b) {
  return a.kind == b.kind && a.identity == b.identity && a.definition == b.definition &&
         a.attributes == b.attributes;
}

void DatabaseSchema::add(Object object) {
  std::string key = object.key();
  objects.insert_or_assign(std::move(key), std::move(object));
}

const Object* DatabaseSchema::find(const std::string& key) const {
  auto it = objects.find(key);
  return it == objects.end() ? nullptr : &it->second;
}

bool same_attributes(const DatabaseSchema& a, const DatabaseSchema& b) {
  return a.encoding == b.encoding && a.collation_provider == b.collation_provider &&
         a.collate == b.collate && a.ctype == b.ctype && a.icu_locale == b.icu_locale &&
         a.owner == b.owner;
}

}  // namespace velo::diff
