#include "diff/planner.h"

#include "diff/enum_rebuild.h"
#include "diff/kinds.h"
#include "diff/plan_order.h"
#include "diff/sql_text.h"

namespace velo::diff {
namespace {

// Who needs each object: its children and its dependents.
std::map<std::string, std::vector<std::string>> dependents_of(const DatabaseSchema& db) {
  std::map<std::string, std::vector<std::string>> found;
  for (const auto& [key, object] : db.objects) {
    if (!object.parent.empty()) found[object.parent].push_back(key);
    for (const std::string& need : object.depends_on) {
      if (need != object.parent) found[need].push_back(key);
    }
  }
  return found;
}

std::map<std::string, std::vector<std::string>> children_of(const DatabaseSchema& db) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [key, object] : db.objects) {
    if (!object.parent.empty()) children[object.parent].push_back(key);
  }
  return children;
}

// Kinds that hold data: never dropped and created to rebuild around a change.
bool keeps_data(const std::string& kind) {
  return kind == "table" || kind == "column" || kind == "schema" || kind == "sequence" ||
         kind == "extension";
}

// Dependents that block an in-place change of what they use (ALTER COLUMN
// TYPE refuses while a view, rule, policy or trigger uses the column).
bool blocks_alter(const std::string& kind) {
  return kind == "view" || kind == "materialized view" || kind == "policy" || kind == "trigger" ||
         kind == "rule";
}

Object without_owner(Object object) {
  object.attributes.erase("owner");
  return object;
}

}  // namespace

DatabasePlanner::DatabasePlanner(std::string database, const DatabaseSchema& from,
                                 const DatabaseSchema& to)
    : database_(std::move(database)),
      from_(from),
      to_(to),
      from_dependents_(dependents_of(from)),
      from_children_(children_of(from)),
      to_children_(children_of(to)) {}

void DatabasePlanner::add(const Change& change) {
  const std::string key = change.key();
  if (change.action == Change::Action::Create) return add_create(key, change.hazards);
  if (change.action == Change::Action::Drop) return add_drop(key, change.hazards);
  const Object* old_object = from_.find(key);
  const Object* new_object = to_.find(key);
  if (old_object == nullptr || new_object == nullptr) return;
  const KindRules& rules = rules_for(new_object->kind);
  std::vector<Statement> statements;
  if (!same(without_owner(*old_object), without_owner(*new_object))) {
    auto altered = rules.alter == nullptr ? std::nullopt : rules.alter(*old_object, *new_object);
    if (!altered && rebuild_enum_in_use(*old_object, *new_object, change.hazards)) return;
    if (!altered) {
      replaced_.insert(key);
      add_drop(key);
      add_create(key, change.hazards);
      return;
    }
    statements = std::move(*altered);
    if (rules.alter_rebuilds_dependents != nullptr &&
        rules.alter_rebuilds_dependents(*old_object, *new_object)) {
      altered_with_dependents_.insert(key);
    }
  }
  if (old_object->attr("owner") != new_object->attr("owner")) {
    auto owner = owner_statement(*new_object);
    statements.insert(statements.end(), owner.begin(), owner.end());
  }
  index_[kAlter][key] = steps_.size();
  steps_.push_back({kAlter, key, std::move(statements), change.hazards});
}

bool DatabasePlanner::rebuild_enum_in_use(const Object& from, const Object& to,
                                          const std::vector<Hazard>& hazards) {
  if (to.kind != "type" || from.attr("labels").empty() || to.attr("labels").empty()) return false;
  // The columns that use the type before and after (not inherited copies,
  // which follow their parent's).
  std::vector<const Object*> columns;
  std::vector<std::string> column_keys;
  for (const std::string& dependent : dependents(from.key())) {
    const Object* column = to_.find(dependent);
    if (column == nullptr || column->kind != "column" || !column->attr("inherited").empty() ||
        column->attr("type") != to.identity) {
      continue;
    }
    columns.push_back(column);
    column_keys.push_back(dependent);
  }
  if (columns.empty()) return false;
  std::vector<Hazard> all_hazards = hazards;
  for (const std::string& key : column_keys) {
    all_hazards.push_back({HazardKind::TableRewrite,
                           "converting " + key + " to the rebuilt enum rewrites its table"});
  }
  const size_t step = steps_.size();
  index_[kAlter][from.key()] = step;
  steps_.push_back({kAlter, from.key(), rebuild_enum(from, to, columns), std::move(all_hazards)});
  // The columns change type in this step: what uses them is rebuilt around
  // it, and their own changes come after it.
  for (const std::string& key : column_keys) {
    altered_with_dependents_.insert(key);
    covers_[step].push_back(key);
    index_[kAlter].try_emplace(key, step);
  }
  return true;
}

void DatabasePlanner::add_drop(const std::string& key, std::vector<Hazard> hazards) {
  if (index_[kDrop].count(key) != 0) return;
  index_[kDrop][key] = steps_.size();
  steps_.push_back({kDrop, key, {}, std::move(hazards)});
}

void DatabasePlanner::add_create(const std::string& key, std::vector<Hazard> hazards) {
  if (index_[kCreate].count(key) != 0) return;
  index_[kCreate][key] = steps_.size();
  steps_.push_back({kCreate, key, {}, std::move(hazards)});
}

const std::vector<std::string>& DatabasePlanner::dependents(const std::string& key) const {
  static const std::vector<std::string> kNone;
  auto it = from_dependents_.find(key);
  return it == from_dependents_.end() ? kNone : it->second;
}

void DatabasePlanner::add_rebuilds() {
  std::vector<std::string> pending(replaced_.begin(), replaced_.end());
  for (const std::string& key : altered_with_dependents_) {
    for (const std::string& dependent : dependents(key)) {
      if (blocks_alter(from_.find(dependent)->kind)) pending.push_back(dependent);
    }
  }
  std::set<std::string> seen(pending.begin(), pending.end());
  while (!pending.empty()) {
    std::string key = pending.back();
    pending.pop_back();
    if (replaced_.count(key) == 0) {
      const Object* object = from_.find(key);
      if (object == nullptr || keeps_data(object->kind)) continue;
      // In place no more: dropped with what it needs, created after it.
      if (auto alter = index_[kAlter].find(key); alter != index_[kAlter].end()) {
        steps_[alter->second].statements.clear();
      }
      add_drop(key);
      if (to_.find(key) != nullptr) add_create(key);
    }
    for (const std::string& dependent : dependents(key)) {
      if (seen.insert(dependent).second) pending.push_back(dependent);
    }
  }
}

std::vector<std::string> DatabasePlanner::with_descendants(const std::string& key) const {
  std::vector<std::string> found{key};
  for (size_t i = 0; i < found.size(); ++i) {
    auto it = from_children_.find(found[i]);
    if (it != from_children_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
  }
  return found;
}

bool DatabasePlanner::ancestor_has(Op op, const DatabaseSchema& db, const std::string& key) const {
  const Object* object = db.find(key);
  while (object != nullptr && !object->parent.empty()) {
    if (index_[op].count(object->parent) != 0) return true;
    object = db.find(object->parent);
  }
  return false;
}

int DatabasePlanner::step_for(Op op, const DatabaseSchema& db, std::string key) const {
  while (true) {
    auto it = index_[op].find(key);
    if (it != index_[op].end()) return static_cast<int>(it->second);
    if (op == kAlter) return -1;
    const Object* object = db.find(key);
    if (object == nullptr || object->parent.empty()) return -1;
    key = object->parent;
  }
}

std::set<std::string> DatabasePlanner::needs(const DatabaseSchema& db,
                                             const std::string& key) const {
  std::set<std::string> keys;
  const Object* object = db.find(key);
  if (object == nullptr) return keys;
  keys = object->depends_on;
  if (!object->parent.empty()) keys.insert(object->parent);
  const auto& children = &db == &to_ ? to_children_ : from_children_;
  if (auto it = children.find(key); it != children.end()) {
    for (const std::string& child_key : it->second) {
      const Object* child = db.find(child_key);
      if (child == nullptr || !rules_for(child->kind).created_with_parent) continue;
      keys.insert(child->depends_on.begin(), child->depends_on.end());
    }
  }
  keys.erase(key);
  return keys;
}

bool DatabasePlanner::dropped_ownership(const std::string& key) const {
  const Object* object = from_.find(key);
  return object != nullptr && object->kind == "sequence ownership" &&
         index_[kDrop].count(object->parent) != 0;
}

std::vector<std::set<size_t>> DatabasePlanner::predecessors() const {
  std::vector<std::set<size_t>> before(steps_.size());
  auto add_edge = [&](int from_step, size_t to_step) {
    if (from_step >= 0 && static_cast<size_t>(from_step) != to_step)
      before[to_step].insert(from_step);
  };
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    if (step.op == kDrop) {
      // Whatever still needs this object or a part of it (a view over a
      // dropped table's column) goes first: dependents dropped, alters
      // that move away from it.
      for (const std::string& part : with_descendants(step.key)) {
        for (const std::string& dependent : dependents(part)) {
          // A sequence owned by a dropped column goes with it; its own
          // DROP SEQUENCE IF EXISTS comes after, not before (the column's
          // default needs the sequence: waiting for both is a cycle).
          if (dropped_ownership(dependent)) continue;
          add_edge(step_for(kDrop, from_, dependent), i);
          add_edge(step_for(kAlter, from_, dependent), i);
        }
      }
      continue;
    }
    for (const std::string& need : needs(to_, step.key)) {
      add_edge(step_for(kCreate, to_, need), i);
      add_edge(step_for(kAlter, to_, need), i);
    }
    if (step.op == kCreate) {
      add_edge(step_for(kDrop, from_, step.key), i);
    } else {
      // An altered object's dependents that block it are dropped first.
      std::vector<std::string> altered{step.key};
      if (auto covered = covers_.find(i); covered != covers_.end()) {
        altered.insert(altered.end(), covered->second.begin(), covered->second.end());
      }
      for (const std::string& key : altered) {
        for (const std::string& dependent : dependents(key)) {
          auto drop = index_[kDrop].find(dependent);
          if (drop != index_[kDrop].end()) add_edge(static_cast<int>(drop->second), i);
        }
      }
    }
  }
  return before;
}

std::vector<Statement> DatabasePlanner::finish() {
  add_rebuilds();
  for (Step& step : steps_) {
    if (step.op == kDrop) {
      const Object* object = from_.find(step.key);
      if (object != nullptr && !ancestor_has(kDrop, from_, step.key)) {
        step.statements = rules_for(object->kind).drop(*object);
      }
    } else if (step.op == kCreate) {
      const Object* object = to_.find(step.key);
      if (object == nullptr) continue;
      const KindRules& rules = rules_for(object->kind);
      if (!(rules.created_with_parent && ancestor_has(kCreate, to_, step.key))) {
        step.statements = rules.create(*object, to_);
        auto owner = owner_statement(*object);
        step.statements.insert(step.statements.end(), owner.begin(), owner.end());
      }
    }
  }
  std::vector<int> rank;
  for (const Step& step : steps_) rank.push_back(step.op);
  std::vector<Statement> statements;
  for (size_t i : order_steps(rank, predecessors())) {
    Step& step = steps_[i];
    for (size_t s = 0; s < step.statements.size(); ++s) {
      Statement statement = std::move(step.statements[s]);
      statement.database = database_;
      if (s == 0)
        statement.hazards.insert(statement.hazards.begin(), step.hazards.begin(),
                                 step.hazards.end());
      statements.push_back(std::move(statement));
    }
  }
  return statements;
}

}  // namespace velo::diff
