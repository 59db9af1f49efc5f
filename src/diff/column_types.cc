#include "diff/column_types.h"

#include <array>
#include <string_view>

namespace velo::diff {
namespace {

struct ParsedType {
  std::string base;
  std::vector<int> modifiers;  // numeric(10,2) -> {10, 2}
};

ParsedType parse_type(const std::string& type) {
  ParsedType parsed;
  size_t open = type.find('(');
  if (open == std::string::npos || type.back() != ')') {
    parsed.base = type;
    return parsed;
  }
  parsed.base = type.substr(0, open);
  std::string inside = type.substr(open + 1, type.size() - open - 2);
  size_t start = 0;
  while (start <= inside.size()) {
    size_t comma = inside.find(',', start);
    std::string item =
        inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      parsed.modifiers.push_back(std::stoi(item));
    } catch (...) {
      parsed.modifiers.push_back(-1);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parsed;
}

int rank_of_integer(const std::string& base) {
  if (base == "smallint") return 1;
  if (base == "integer") return 2;
  if (base == "bigint") return 3;
  return 0;
}

bool is_string(const std::string& base) {
  return base == "text" || base == "character varying" || base == "character";
}

}  // namespace

TypeChange classify_type_change(const std::string& from, const std::string& to) {
  if (from == to) return TypeChange::InPlace;
  ParsedType a = parse_type(from);
  ParsedType b = parse_type(to);
  if (a.base == "character varying" || a.base == "bit varying") {
    if (b.base == a.base &&
        (b.modifiers.empty() || (!a.modifiers.empty() && b.modifiers[0] >= a.modifiers[0]))) {
      return TypeChange::InPlace;
    }
    if (a.base == "character varying" && b.base == "text") return TypeChange::InPlace;
    if (b.base == a.base || is_string(b.base)) {
      return b.modifiers.empty() ? TypeChange::Rewrite : TypeChange::Narrowing;
    }
  }
  if (a.base == "text" && is_string(b.base)) {
    return b.modifiers.empty() ? TypeChange::InPlace : TypeChange::Narrowing;
  }
  if (a.base == "numeric" && b.base == "numeric") {
    if (b.modifiers.empty()) return TypeChange::InPlace;
    if (a.modifiers.empty()) return TypeChange::Narrowing;
    int scale_a = a.modifiers.size() > 1 ? a.modifiers[1] : 0;
    int scale_b = b.modifiers.size() > 1 ? b.modifiers[1] : 0;
    if (scale_a == scale_b && b.modifiers[0] >= a.modifiers[0]) return TypeChange::InPlace;
    bool fewer_digits = b.modifiers[0] - scale_b < a.modifiers[0] - scale_a;
    return fewer_digits || scale_b < scale_a ? TypeChange::Narrowing : TypeChange::Rewrite;
  }
  int ra = rank_of_integer(a.base), rb = rank_of_integer(b.base);
  if (ra > 0 && rb > 0) return rb < ra ? TypeChange::Narrowing : TypeChange::Rewrite;
  if (ra == 0 && rb > 0 &&
      (a.base == "numeric" || a.base == "real" || a.base == "double precision")) {
    return TypeChange::Narrowing;
  }
  if (a.base == "double precision" && b.base == "real") return TypeChange::Narrowing;
  if (is_string(a.base) && !is_string(b.base)) return TypeChange::Narrowing;
  if (a.base == b.base && !a.modifiers.empty() && !b.modifiers.empty() &&
      b.modifiers[0] < a.modifiers[0]) {
    return TypeChange::Narrowing;  // timestamp(6) -> timestamp(0), char(10) -> char(5)
  }
  return TypeChange::Rewrite;
}

bool volatile_default(const std::string& expression) {
  static constexpr std::array<std::string_view, 7> kVolatile = {
      "nextval(",      "random(",    "clock_timestamp(",    "gen_random_uuid(",
      "uuid_generate", "timeofday(", "statement_timestamp("};
  for (std::string_view name : kVolatile) {
    if (expression.find(name) != std::string::npos) return true;
  }
  return false;
}

std::vector<Hazard> column_hazards(const Object* from, const Object* to,
                                   const DatabaseSchema& from_db) {
  std::vector<Hazard> hazards;
  if (from == nullptr) {
    if (from_db.find(to->parent) == nullptr) return hazards;  // a new table: empty
    if (volatile_default(to->attr("default")) || !to->attr("identity").empty() ||
        !to->attr("generated").empty()) {
      hazards.push_back({HazardKind::TableRewrite,
                         "adding " + to->identity + " fills every row (volatile default)"});
    }
    bool no_value = to->attr("default").empty() && to->attr("generated").empty() &&
                    to->attr("identity").empty();
    if (!to->attr("not_null").empty() && no_value && to->attr("inherited").empty()) {
      hazards.push_back({HazardKind::NeedsBackfill,
                         "adding " + to->identity +
                             " NOT NULL without a default fails unless the table is empty"});
    }
    return hazards;
  }
  if (to == nullptr) return hazards;
  if (from->attr("type") != to->attr("type") && to->attr("inherited").empty()) {
    TypeChange change = classify_type_change(from->attr("type"), to->attr("type"));
    const std::string what = from->attr("type") + " to " + to->attr("type");
    if (change == TypeChange::Narrowing) {
      hazards.push_back({HazardKind::DataLoss, "narrows " + to->identity + " from " + what});
    }
    if (change != TypeChange::InPlace) {
      hazards.push_back({HazardKind::TableRewrite,
                         "changing " + to->identity + " from " + what + " rewrites the table"});
    }
  }
  if (!from->attr("generated").empty() && from->attr("generated") != to->attr("generated")) {
    hazards.push_back(
        {HazardKind::DataLoss, "a new generation expression drops and adds " + to->identity});
  }
  if (from->attr("not_null").empty() && !to->attr("not_null").empty()) {
    hazards.push_back(
        {HazardKind::FullScanValidation, "SET NOT NULL on " + to->identity + " scans the table"});
  }
  return hazards;
}

}  // namespace velo::diff
