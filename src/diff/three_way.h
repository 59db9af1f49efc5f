// Three-way schema merge: a branch's changes since it started, to be
// applied on its parent as the parent is now.
#pragma once

#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/model.h"

namespace velo::diff {

struct Conflict {
  std::string database{}, kind{}, identity{};
  // What each side did since base, in words ("dropped", "altered: ...").
  std::string ours{}, theirs{};
};

struct ThreeWay {
  // Ours' changes since base that theirs did not make too, as changes of
  // `merged` against theirs.
  std::vector<Change> changes;
  std::vector<Conflict> conflicts;
  // Theirs with ours' changes applied (objects in conflict keep theirs'
  // state): what plan(changes, theirs, merged) needs.
  ClusterSchema merged;
};

// base: the branch's starting schema; ours: the branch now; theirs: the
// target now. An object changed on one side only takes that side's state;
// changed identically on both, it is neither a conflict nor re-applied;
// changed differently, it is a conflict. So is a change by one side to an
// object (or a child of one) that the other dropped, and one to an object
// that needs (pg_depend) what the other dropped.
ThreeWay three_way(const ClusterSchema& base, const ClusterSchema& ours,
                   const ClusterSchema& theirs);

}  // namespace velo::diff
