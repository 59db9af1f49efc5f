// plan(): databases dropped and created first (outside transactions), then
// each database's objects by a DatabasePlanner.
#include "diff/plan.h"

#include "diff/planner.h"
#include "diff/sql_text.h"

namespace velo::diff {
namespace {

Statement database_statement(std::string text, std::vector<Hazard> hazards) {
  Statement statement;
  statement.sql = std::move(text);
  statement.transactional = false;
  statement.hazards = std::move(hazards);
  return statement;
}

Statement create_database(const std::string& name, const DatabaseSchema& db) {
  std::string text = "CREATE DATABASE " + quote_ident(name) + " TEMPLATE template0";
  if (!db.owner.empty()) text += " OWNER " + db.owner;
  if (!db.encoding.empty()) text += " ENCODING " + quote_literal(db.encoding);
  if (!db.collation_provider.empty()) text += " LOCALE_PROVIDER " + db.collation_provider;
  if (!db.collate.empty()) text += " LC_COLLATE " + quote_literal(db.collate);
  if (!db.ctype.empty()) text += " LC_CTYPE " + quote_literal(db.ctype);
  if (!db.icu_locale.empty()) text += " ICU_LOCALE " + quote_literal(db.icu_locale);
  return database_statement(std::move(text), {});
}

}  // namespace

Plan plan(const std::vector<Change>& changes, const ClusterSchema& from, const ClusterSchema& to) {
  static const DatabaseSchema kEmpty;
  Plan result;
  std::map<std::string, DatabasePlanner> planners;
  for (const Change& change : changes) {
    auto old_db = from.databases.find(change.database);
    auto new_db = to.databases.find(change.database);
    if (change.kind == "database") {
      if (change.action == Change::Action::Drop) {
        result.statements.push_back(
            database_statement("DROP DATABASE " + quote_ident(change.database), change.hazards));
      } else if (change.action == Change::Action::Create && new_db != to.databases.end()) {
        result.statements.push_back(create_database(change.database, new_db->second));
      } else if (new_db != to.databases.end() && old_db != from.databases.end() &&
                 new_db->second.owner != old_db->second.owner) {
        Statement owner = sql("ALTER DATABASE " + quote_ident(change.database) + " OWNER TO " +
                              new_db->second.owner);
        owner.database = change.database;
        result.statements.push_back(std::move(owner));
      }
      continue;
    }
    if (new_db == to.databases.end() && change.action != Change::Action::Drop) continue;
    const DatabaseSchema& before = old_db == from.databases.end() ? kEmpty : old_db->second;
    const DatabaseSchema& after = new_db == to.databases.end() ? kEmpty : new_db->second;
    auto planner = planners.try_emplace(change.database, change.database, before, after).first;
    planner->second.add(change);
  }
  for (auto& [name, planner] : planners) {
    auto statements = planner.finish();
    result.statements.insert(result.statements.end(), std::make_move_iterator(statements.begin()),
                             std::make_move_iterator(statements.end()));
  }
  return result;
}

}  // namespace velo::diff
