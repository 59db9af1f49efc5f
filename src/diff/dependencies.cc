// pg_depend's rows between objects read, as each object's depends_on.
// Dependents are never initdb's objects (oids below 16384); what they
// depend on may be (the public schema).
#include "diff/catalog.h"

namespace velo::diff {

Status read_dependencies(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT concat(classid, ':', objid, ':', objsubid),"
                    " concat(refclassid, ':', refobjid, ':', refobjsubid), deptype"
                    " FROM pg_depend WHERE deptype IN ('n', 'a', 'i') AND objid >= 16384"));
  for (const auto& row : rows) {
    std::string from = catalog.key_at(row[0]);
    std::string to = catalog.key_at(row[1]);
    if (from.empty() || to.empty() || from == to) continue;
    // A sequence's OWNED BY is its "sequence ownership" object's, which
    // names the column itself.
    if (row[2] == "a" && from.rfind("sequence ", 0) == 0 && to.rfind("column ", 0) == 0) continue;
    Object* object = &catalog.schema.objects.at(from);
    object->depends_on.insert(to);
  }
  return Status::Ok();
}

}  // namespace velo::diff
