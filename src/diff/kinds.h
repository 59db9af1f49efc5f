// The per-kind rules: how DDL creates, drops and alters each kind of
// object, and what a change to it risks. One table of rows (kinds.cc), each
// row defined in the kind's own file (tables.cc, columns.cc, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diff/hazard.h"
#include "diff/model.h"
#include "diff/plan.h"

namespace velo::diff {

struct KindRules {
  std::string_view kind;
  std::string_view plural;  // for summaries: "indexes"
  // Creates `object`, a member of `db` (a table's create reads its columns).
  std::vector<Statement> (*create)(const Object& object, const DatabaseSchema& db) = nullptr;
  // Drops it. Not called when its parent is dropped too.
  std::vector<Statement> (*drop)(const Object& object) = nullptr;
  // Changes `from` into `to` in place (they differ in more than the owner),
  // or nullopt: drop and create instead. nullptr: always drop and create.
  std::optional<std::vector<Statement>> (*alter)(const Object& from, const Object& to) = nullptr;
  // What a change risks; from or to is null for a create or a drop.
  // `from_db` is the database before (whether a table existed). nullptr:
  // only the generic hazards (dropping data-bearing kinds).
  std::vector<Hazard> (*hazards)(const Object* from, const Object* to,
                                 const DatabaseSchema& from_db) = nullptr;
  // Whether an in-place alter requires the views, policies and triggers
  // that depend on the object to be dropped first and created after (a
  // column's type). nullptr: never.
  bool (*alter_rebuilds_dependents)(const Object& from, const Object& to) = nullptr;
  // When `true`, a create of this kind is part of its parent's create (a
  // table's columns are in its CREATE TABLE).
  bool created_with_parent = false;
};

// The rules for `kind`; a row that only drops and creates for unknown kinds.
const KindRules& rules_for(std::string_view kind);

// The rows, one per kind file.
extern const KindRules kSchemaRules, kTableRules, kColumnRules, kConstraintRules, kIndexRules,
    kSequenceRules, kSequenceOwnerRules, kViewRules, kMaterializedViewRules, kFunctionRules,
    kProcedureRules, kTriggerRules, kTypeRules, kDomainRules, kExtensionRules, kCollationRules,
    kPolicyRules, kPrivilegesRules, kDefaultPrivilegesRules, kCommentRules, kRuleRules,
    kStatisticsRules, kEventTriggerRules, kReplicaIdentityRules, kPublicationRules;

// Hazards of a change to an object, from its kind's rules plus the generic
// ones.
std::vector<Hazard> hazards_of(const Object* from, const Object* to, const DatabaseSchema& from_db);

// The object as a change shows it: its definition, and its owner.
std::string describe(const Object& object);

// "ALTER <sql_name> OWNER TO <owner>", or nothing for kinds without owner.
std::vector<Statement> owner_statement(const Object& object);

}  // namespace velo::diff
