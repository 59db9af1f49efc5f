// The differences between two cluster schemas, object by object.
#pragma once

#include <string>
#include <vector>

#include "diff/hazard.h"
#include "diff/model.h"

namespace velo::diff {

struct Change {
  enum class Action { Create, Drop, Alter };

  std::string database{};
  std::string kind{};      // "database" for a database created or dropped
  std::string identity{};  // the database's name for kind "database"
  Action action = Action::Alter;
  std::string old_definition{};  // "" for Create
  std::string new_definition{};  // "" for Drop
  std::vector<Hazard> hazards{};

  std::string key() const { return kind + " " + identity; }
};

// "create", "drop", "alter".
std::string to_string(Change::Action action);

// What turns `from` into `to`: a database on one side only is one change
// (and a created database's objects are created too), then each object
// whose key is on one side only or whose state differs. Sorted by
// database, then key. Dependencies are not compared.
std::vector<Change> diff(const ClusterSchema& from, const ClusterSchema& to);

// The same for one database.
std::vector<Change> diff_database(const std::string& name, const DatabaseSchema& from,
                                  const DatabaseSchema& to);

}  // namespace velo::diff
