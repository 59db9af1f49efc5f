// diff(): walks the union of keys on both sides; hazards come from each
// kind's rules (kinds.h).
#include <algorithm>

#include "diff/change.h"
#include "diff/kinds.h"

namespace velo::diff {
namespace {

Change make_change(const std::string& database, const Object* from, const Object* to,
                   const DatabaseSchema& from_db) {
  const Object& any = to != nullptr ? *to : *from;
  Change change;
  change.database = database;
  change.kind = any.kind;
  change.identity = any.identity;
  change.action = from == nullptr ? Change::Action::Create
                  : to == nullptr ? Change::Action::Drop
                                  : Change::Action::Alter;
  if (from != nullptr) change.old_definition = describe(*from);
  if (to != nullptr) change.new_definition = describe(*to);
  change.hazards = hazards_of(from, to, from_db);
  return change;
}

std::string database_definition(const std::string& name, const DatabaseSchema& db) {
  std::string text = "CREATE DATABASE " + name + " OWNER " + db.owner + " ENCODING " + db.encoding +
                     " LOCALE_PROVIDER " + db.collation_provider + " LC_COLLATE '" + db.collate +
                     "' LC_CTYPE '" + db.ctype + "'";
  if (!db.icu_locale.empty()) text += " ICU_LOCALE '" + db.icu_locale + "'";
  return text;
}

// Whether the change is part of its parent's: the children of a dropped
// object go with it, and a created table's columns are in its CREATE.
bool part_of_parent_change(const Object* from, const Object* to, const DatabaseSchema& from_db,
                           const DatabaseSchema& to_db) {
  if (to == nullptr) return !from->parent.empty() && to_db.find(from->parent) == nullptr;
  if (from == nullptr) {
    return !to->parent.empty() && rules_for(to->kind).created_with_parent &&
           from_db.find(to->parent) == nullptr;
  }
  return false;
}

}  // namespace

std::string to_string(Change::Action action) {
  switch (action) {
    case Change::Action::Create:
      return "create";
    case Change::Action::Drop:
      return "drop";
    case Change::Action::Alter:
      return "alter";
  }
  return "alter";
}

std::vector<Change> diff_database(const std::string& name, const DatabaseSchema& from,
                                  const DatabaseSchema& to) {
  std::vector<Change> changes;
  auto add = [&](const Object* a, const Object* b) {
    if (!part_of_parent_change(a, b, from, to)) changes.push_back(make_change(name, a, b, from));
  };
  auto f = from.objects.begin();
  auto t = to.objects.begin();
  while (f != from.objects.end() || t != to.objects.end()) {
    if (t == to.objects.end() || (f != from.objects.end() && f->first < t->first)) {
      add(&f->second, nullptr);
      ++f;
    } else if (f == from.objects.end() || t->first < f->first) {
      add(nullptr, &t->second);
      ++t;
    } else {
      if (!same(f->second, t->second)) add(&f->second, &t->second);
      ++f;
      ++t;
    }
  }
  return changes;
}

std::vector<Change> diff(const ClusterSchema& from, const ClusterSchema& to) {
  static const DatabaseSchema kEmpty;
  std::vector<Change> changes;
  for (const auto& [name, db] : from.databases) {
    if (to.databases.count(name) != 0) continue;
    Change drop{.database = name, .kind = "database", .identity = name};
    drop.action = Change::Action::Drop;
    drop.old_definition = database_definition(name, db);
    drop.hazards.push_back({HazardKind::DataLoss, "drops database " + name + " and all its data"});
    changes.push_back(std::move(drop));
  }
  for (const auto& [name, db] : to.databases) {
    auto old = from.databases.find(name);
    if (old == from.databases.end()) {
      Change create{.database = name, .kind = "database", .identity = name};
      create.action = Change::Action::Create;
      create.new_definition = database_definition(name, db);
      changes.push_back(std::move(create));
      auto objects = diff_database(name, kEmpty, db);
      changes.insert(changes.end(), objects.begin(), objects.end());
      continue;
    }
    if (!same_attributes(old->second, db)) {
      Change alter{.database = name, .kind = "database", .identity = name};
      alter.action = Change::Action::Alter;
      alter.old_definition = database_definition(name, old->second);
      alter.new_definition = database_definition(name, db);
      changes.push_back(std::move(alter));
    }
    auto objects = diff_database(name, old->second, db);
    changes.insert(changes.end(), objects.begin(), objects.end());
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.database < b.database; });
  return changes;
}

}  // namespace velo::diff
