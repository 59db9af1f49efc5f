// The table of kinds, and what every kind shares: owners, descriptions,
// the generic hazards.
#include "diff/kinds.h"

#include <array>

#include "diff/sql_text.h"

namespace velo::diff {
namespace {

std::vector<Statement> drop_and_create_only(const Object&) { return {}; }

const KindRules kUnknownRules = {
    .kind = "object",
    .plural = "objects",
    .create = [](const Object& o,
                 const DatabaseSchema&) { return std::vector<Statement>{sql(o.definition)}; },
    .drop = drop_and_create_only,
    .alter = nullptr,
    .hazards = nullptr,
    .alter_rebuilds_dependents = nullptr};

const std::array<const KindRules*, 25> kAllRules = {&kSchemaRules,
                                                    &kTableRules,
                                                    &kColumnRules,
                                                    &kConstraintRules,
                                                    &kIndexRules,
                                                    &kSequenceRules,
                                                    &kSequenceOwnerRules,
                                                    &kViewRules,
                                                    &kMaterializedViewRules,
                                                    &kFunctionRules,
                                                    &kProcedureRules,
                                                    &kTriggerRules,
                                                    &kTypeRules,
                                                    &kDomainRules,
                                                    &kExtensionRules,
                                                    &kCollationRules,
                                                    &kPolicyRules,
                                                    &kPrivilegesRules,
                                                    &kDefaultPrivilegesRules,
                                                    &kCommentRules,
                                                    &kRuleRules,
                                                    &kStatisticsRules,
                                                    &kEventTriggerRules,
                                                    &kReplicaIdentityRules,
                                                    &kPublicationRules};

// Kinds whose drop destroys stored rows or values.
bool holds_data(std::string_view kind) {
  return kind == "schema" || kind == "table" || kind == "column" || kind == "sequence" ||
         kind == "materialized view" || kind == "extension";
}

}  // namespace

const KindRules& rules_for(std::string_view kind) {
  for (const KindRules* rules : kAllRules) {
    if (rules->kind == kind) return *rules;
  }
  return kUnknownRules;
}

std::vector<Hazard> hazards_of(const Object* from, const Object* to,
                               const DatabaseSchema& from_db) {
  const Object& any = to != nullptr ? *to : *from;
  const KindRules& rules = rules_for(any.kind);
  std::vector<Hazard> hazards;
  if (to == nullptr && holds_data(any.kind)) {
    hazards.push_back({HazardKind::DataLoss, "drops " + any.kind + " " + any.identity});
  }
  if (rules.hazards != nullptr) {
    auto more = rules.hazards(from, to, from_db);
    hazards.insert(hazards.end(), more.begin(), more.end());
  }
  return hazards;
}

std::string describe(const Object& object) {
  std::string text = object.definition;
  const std::string& owner = object.attr("owner");
  if (!owner.empty()) text += "\nOWNER TO " + owner;
  return text;
}

std::vector<Statement> owner_statement(const Object& object) {
  const std::string& owner = object.attr("owner");
  if (owner.empty() || object.sql_name.empty()) return {};
  return {sql("ALTER " + object.sql_name + " OWNER TO " + owner)};
}

}  // namespace velo::diff
