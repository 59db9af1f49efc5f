// Extensions: their version and schema; the objects they own are theirs,
// never compared (readers skip pg_depend's 'e' members), but objects that
// use a member depend on the extension (read_dependencies maps members to
// it).
#include "diff/catalog.h"
#include "diff/kinds.h"
#include "diff/sql_text.h"

namespace velo::diff {

Status read_extensions(Catalog& catalog) {
  VELO_ASSIGN_OR_RETURN(auto rows, catalog.query("SELECT " + address_of("pg_extension", "x.oid") +
                                                 ", quote_ident(x.extname), quote_ident(n.nspname),"
                                                 " x.extversion, x.oid FROM pg_extension x"
                                                 " JOIN pg_namespace n ON n.oid = x.extnamespace"));
  for (const auto& row : rows) {
    Object object{.kind = "extension", .identity = row[1], .sql_name = "EXTENSION " + row[1]};
    object.attributes["schema"] = row[2];
    object.attributes["version"] = row[3];
    object.definition = "CREATE EXTENSION " + row[1] + " WITH SCHEMA " + row[2] + " VERSION " +
                        quote_literal(row[3]);
    // The extension's schema, when it is the user's, comes first.
    object.depends_on.insert("schema " + row[2]);
    catalog.add(std::move(object), row[0]);
  }
  // Members stand for their extension in dependencies.
  VELO_ASSIGN_OR_RETURN(auto members, catalog.query("SELECT concat(d.classid, ':', d.objid, ':0'),"
                                                    " quote_ident(x.extname) FROM pg_depend d"
                                                    " JOIN pg_extension x ON x.oid = d.refobjid"
                                                    " WHERE d.deptype = 'e' AND d.refclassid ="
                                                    " 'pg_extension'::regclass"));
  for (const auto& row : members) catalog.alias(row[0], "extension " + row[1]);
  return Status::Ok();
}

namespace {

std::optional<std::vector<Statement>> alter_extension(const Object& from, const Object& to) {
  std::vector<Statement> statements;
  if (from.attr("schema") != to.attr("schema")) {
    statements.push_back(
        sql("ALTER EXTENSION " + to.identity + " SET SCHEMA " + to.attr("schema")));
  }
  if (from.attr("version") != to.attr("version")) {
    statements.push_back(
        sql("ALTER EXTENSION " + to.identity + " UPDATE TO " + quote_literal(to.attr("version"))));
  }
  return statements;
}

}  // namespace

const KindRules kExtensionRules = {
    .kind = "extension",
    .plural = "extensions",
    .create =
        [](const Object& o, const DatabaseSchema&) {
          return std::vector<Statement>{sql("CREATE EXTENSION IF NOT EXISTS " + o.identity +
                                            " WITH SCHEMA " + o.attr("schema") + " VERSION " +
                                            quote_literal(o.attr("version")))};
        },
    .drop =
        [](const Object& o) { return std::vector<Statement>{sql("DROP EXTENSION " + o.identity)}; },
    .alter = alter_extension,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr,
};

}  // namespace velo::diff
