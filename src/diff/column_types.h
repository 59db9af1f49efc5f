// What a column change risks: which type changes rewrite the table or may
// lose data, which defaults force a rewrite when a column is added. Also
// the column's definition as CREATE TABLE and ADD COLUMN write it.
#pragma once

#include <string>
#include <vector>

#include "diff/hazard.h"
#include "diff/model.h"

namespace velo::diff {

enum class TypeChange {
  InPlace,    // binary compatible: varchar(10) -> varchar(20), varchar -> text
  Rewrite,    // every row converted: integer -> bigint
  Narrowing,  // converted, and values may not fit: varchar(20) -> varchar(10)
};

// `from` and `to` as format_type prints them.
TypeChange classify_type_change(const std::string& from, const std::string& to);

// Whether a default expression is volatile as far as its text tells
// (nextval, random, clock_timestamp, gen_random_uuid, ...): adding a
// column with one fills every row.
bool volatile_default(const std::string& expression);

std::vector<Hazard> column_hazards(const Object* from, const Object* to,
                                   const DatabaseSchema& from_db);

// "name type [COLLATE c] [GENERATED ... | DEFAULT d] [NOT NULL]".
std::string column_definition(const Object& column);

}  // namespace velo::diff
