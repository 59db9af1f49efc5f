// A cluster schema as JSON and back: what a merge record keeps of the
// schemas it joined, so that the next merge of the same branch starts from
// there (its merge base) and a revert knows what the merge changed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "diff/model.h"
#include "util/result.h"

namespace velo::diff {

nlohmann::json schema_to_json(const ClusterSchema& schema);
// Invalid when `json` is not what schema_to_json makes.
Result<ClusterSchema> schema_from_json(const nlohmann::json& json);

}  // namespace velo::diff
