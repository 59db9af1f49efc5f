// Comments (COMMENT ON) on any object read, as objects of their own whose
// parent is the object: kind "comment", identity the object's key.
// Objects initdb made (oids below 16384) are the system's, but for the
// schemas (public).
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_comments(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      catalog.query("SELECT concat(d.classoid, ':', d.objoid, ':',"
                    " d.objsubid), d.description FROM pg_description d"
                    " WHERE d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass"));
  for (const auto& row : rows) {
    const Object* target = catalog.object_at(row[0]);
    if (target == nullptr || target->sql_name.empty()) continue;
    Object comment{.kind = "comment", .identity = target->key(), .parent = target->key()};
    comment.definition = "COMMENT ON " + target->sql_name + " IS " + quote_literal(row[1]);
    comment.attributes["target"] = target->sql_name;
    catalog.add(std::move(comment), "");
  }
  return Status::Ok();
}

const KindRules kCommentRules = {
    .kind = "comment",
    .plural = "comments",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop =
        [](const Object& o) {
          return std::vector<Statement>{sql("COMMENT ON " + o.attr("target") + " IS NULL")};
        },
    .alter = [](const Object&, const Object& to) -> std::optional<std::vector<Statement>> {
      return std::vector<Statement>{sql(to.definition)};
    },
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
