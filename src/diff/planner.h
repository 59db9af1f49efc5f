// The planner of one database's changes (plan.h's plan() runs one per
// database): steps for each change, the objects rebuilt around them, and
// their order.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/model.h"
#include "diff/plan.h"

namespace velo::diff {

class DatabasePlanner {
 public:
  // `from` and `to` must outlive the planner.
  DatabasePlanner(std::string database, const DatabaseSchema& from, const DatabaseSchema& to);

  // Adds the steps of one object change (not a database change).
  void add(const Change& change);
  // The statements of all the changes added, in order.
  std::vector<Statement> finish();

 private:
  enum Op { kDrop = 0, kAlter = 1, kCreate = 2 };
  struct Step {
    Op op;
    std::string key;
    std::vector<Statement> statements;
    std::vector<Hazard> hazards;
  };

  void add_drop(const std::string& key, std::vector<Hazard> hazards = {});
  void add_create(const std::string& key, std::vector<Hazard> hazards = {});
  void add_rebuilds();
  // An enum losing values while columns use it: one step that rebuilds it
  // and converts them (enum_rebuild.h). false when no column uses it.
  bool rebuild_enum_in_use(const Object& from, const Object& to,
                           const std::vector<Hazard>& hazards);
  // The objects of `from` that need `key` (as parent or dependency).
  const std::vector<std::string>& dependents(const std::string& key) const;
  // `key` and its children, their children, ... in `from`.
  std::vector<std::string> with_descendants(const std::string& key) const;
  // The keys `key` needs in `db`: its dependencies and parent, and those of
  // the children its create includes.
  std::set<std::string> needs(const DatabaseSchema& db, const std::string& key) const;
  // The step of `op` on `key`, or on its nearest ancestor that has one
  // (a dropped table's columns go with the table's drop); -1 if none.
  int step_for(Op op, const DatabaseSchema& db, std::string key) const;
  bool ancestor_has(Op op, const DatabaseSchema& db, const std::string& key) const;
  std::vector<std::set<size_t>> predecessors() const;
  // Whether `key` is a sequence's OWNED BY whose sequence is dropped.
  bool dropped_ownership(const std::string& key) const;

  std::string database_;
  const DatabaseSchema& from_;
  const DatabaseSchema& to_;
  std::vector<Step> steps_;
  std::map<std::string, size_t> index_[3];  // per Op: key -> step
  // Objects whose dependents are dropped before and created after their
  // step: replaced ones (any dependent), and altered ones (views,
  // policies, triggers only).
  std::set<std::string> replaced_, altered_with_dependents_;
  // Further keys an alter step changes (the columns of a rebuilt enum).
  std::map<size_t, std::vector<std::string>> covers_;
  std::map<std::string, std::vector<std::string>> from_dependents_, from_children_, to_children_;
};

}  // namespace velo::diff
