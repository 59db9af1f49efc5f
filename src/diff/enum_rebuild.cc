#include "diff/enum_rebuild.h"

#include <fmt/format.h>

#include "diff/sql_text.h"

namespace velo::diff {
namespace {

// The name the old type has while its columns move: fixed, since one
// rebuild's statements run together and end by dropping it.
constexpr char kAside[] = "velo_replaced_enum";

}  // namespace

std::vector<Statement> rebuild_enum(const Object& from, const Object& to,
                                    const std::vector<const Object*>& columns) {
  std::vector<Statement> statements;
  statements.push_back(sql(fmt::format("ALTER TYPE {} RENAME TO {}", from.identity, kAside)));
  statements.push_back(sql(to.definition));
  for (const Object* column : columns) {
    const std::string table = column->parent.substr(column->parent.find(' ') + 1);
    const std::string alter =
        fmt::format("ALTER TABLE {} ALTER COLUMN {} ", table, column->attr("name"));
    statements.push_back(sql(alter + "DROP DEFAULT"));
    statements.push_back(sql(fmt::format("{}TYPE {} USING {}::text::{}", alter, to.identity,
                                         column->attr("name"), to.identity)));
    if (!column->attr("default").empty()) {
      statements.push_back(sql(alter + "SET DEFAULT " + column->attr("default")));
    }
  }
  statements.push_back(sql(fmt::format("DROP TYPE {}.{}", from.attr("schema"), kAside)));
  return statements;
}

}  // namespace velo::diff
