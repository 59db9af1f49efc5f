#include "diff/three_way.h"

#include <map>
#include <set>

namespace velo::diff {
namespace {

const Object* find_in(const DatabaseSchema* db, const std::string& key) {
  return db == nullptr ? nullptr : db->find(key);
}

bool same_state(const Object* a, const Object* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return same(*a, *b);
}

std::string what_happened(const Object* before, const Object* after) {
  if (same_state(before, after)) return "left unchanged";
  if (before == nullptr) return "created: " + after->definition;
  if (after == nullptr) return "dropped";
  return "altered: " + after->definition;
}

// The ancestors of `key` in `db` (its parent, the parent's parent, ...).
std::vector<std::string> ancestors(const DatabaseSchema* db, const std::string& key) {
  std::vector<std::string> found;
  const Object* object = find_in(db, key);
  while (object != nullptr && !object->parent.empty()) {
    found.push_back(object->parent);
    object = find_in(db, object->parent);
  }
  return found;
}

// Merges one database present on at least one side.
void merge_database(const std::string& name, const DatabaseSchema* base, const DatabaseSchema* ours,
                    const DatabaseSchema* theirs, DatabaseSchema& merged,
                    std::vector<Conflict>& conflicts) {
  std::set<std::string> keys;
  for (const DatabaseSchema* db : {base, ours, theirs}) {
    if (db == nullptr) continue;
    for (const auto& [key, object] : db->objects) keys.insert(key);
  }
  auto changed = [&](const DatabaseSchema* side, const std::string& key) {
    return !same_state(find_in(base, key), find_in(side, key));
  };
  // Conflicts first: keys changed differently by both sides, and changes
  // under something the other side dropped (both the change and the drop).
  std::map<std::string, Conflict> conflicted;
  auto record = [&](const std::string& key) {
    if (conflicted.count(key) != 0) return;
    const Object* b = find_in(base, key);
    const Object* o = find_in(ours, key);
    const Object* t = find_in(theirs, key);
    const Object* any = o != nullptr ? o : t != nullptr ? t : b;
    conflicted[key] = {name, any->kind, any->identity, what_happened(b, o), what_happened(b, t)};
  };
  for (const std::string& key : keys) {
    bool ours_changed = changed(ours, key);
    bool theirs_changed = changed(theirs, key);
    if (ours_changed && theirs_changed && !same_state(find_in(ours, key), find_in(theirs, key))) {
      record(key);
    }
    if (ours_changed == theirs_changed) continue;
    const DatabaseSchema* changer = ours_changed ? ours : theirs;
    const DatabaseSchema* other = ours_changed ? theirs : ours;
    // What the changed object stands on: its ancestors and, when it still
    // exists, its dependencies (a view over a column the other side dropped).
    std::vector<std::string> needs =
        ancestors(find_in(changer, key) != nullptr ? changer : base, key);
    if (const Object* object = find_in(changer, key)) {
      needs.insert(needs.end(), object->depends_on.begin(), object->depends_on.end());
    }
    for (const std::string& need : needs) {
      if (find_in(base, need) != nullptr && find_in(other, need) == nullptr) {
        record(key);
        record(need);
      }
    }
  }
  for (auto& [key, conflict] : conflicted) conflicts.push_back(std::move(conflict));
  // Then ours' changes that theirs did not make, where no conflict is.
  for (const std::string& key : keys) {
    if (conflicted.count(key) != 0 || !changed(ours, key) || changed(theirs, key)) continue;
    // The parts of an object in conflict stay as theirs too.
    bool under_conflict = false;
    for (const DatabaseSchema* side : {base, ours, theirs}) {
      for (const std::string& ancestor : ancestors(side, key)) {
        under_conflict = under_conflict || conflicted.count(ancestor) != 0;
      }
    }
    if (under_conflict) continue;
    const Object* o = find_in(ours, key);
    if (o == nullptr) {
      merged.objects.erase(key);
    } else {
      merged.add(*o);
    }
  }
}

}  // namespace

ThreeWay three_way(const ClusterSchema& base, const ClusterSchema& ours,
                   const ClusterSchema& theirs) {
  ThreeWay result;
  result.merged = theirs;
  std::set<std::string> names;
  for (const ClusterSchema* side : {&base, &ours, &theirs}) {
    for (const auto& [name, db] : side->databases) names.insert(name);
  }
  auto find_db = [](const ClusterSchema& side, const std::string& name) -> const DatabaseSchema* {
    auto it = side.databases.find(name);
    return it == side.databases.end() ? nullptr : &it->second;
  };
  for (const std::string& name : names) {
    const DatabaseSchema* b = find_db(base, name);
    const DatabaseSchema* o = find_db(ours, name);
    const DatabaseSchema* t = find_db(theirs, name);
    if (o == nullptr) {
      // Dropped by ours: drop it unless theirs changed it since.
      if (b != nullptr && t != nullptr) {
        auto theirs_changes = diff_database(name, *b, *t);
        if (theirs_changes.empty() && same_attributes(*b, *t)) {
          result.merged.databases.erase(name);
        } else {
          result.conflicts.push_back({name, "database", name, "dropped", "altered"});
        }
      }
      continue;
    }
    if (t == nullptr) {
      if (b == nullptr) {
        result.merged.databases[name] = *o;  // created by ours
      } else {
        // Dropped by theirs: a conflict if ours changed it.
        if (!diff_database(name, *b, *o).empty() || !same_attributes(*b, *o)) {
          result.conflicts.push_back({name, "database", name, "altered", "dropped"});
        }
      }
      continue;
    }
    DatabaseSchema& merged = result.merged.databases[name];
    if (b != nullptr && !same_attributes(*b, *o) && same_attributes(*b, *t)) {
      DatabaseSchema attributes = *o;
      attributes.objects = std::move(merged.objects);
      merged = std::move(attributes);
    }
    merge_database(name, b, o, t, merged, result.conflicts);
  }
  result.changes = diff(theirs, result.merged);
  return result;
}

}  // namespace velo::diff
