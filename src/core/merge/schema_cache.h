// The schemas of snapshots, kept as JSON under <home>/cache/schemas: a
// snapshot never changes, so the schema read once from a scratch server
// on its clone is the schema for good, and the next diff or merge of the
// branch skips the clone, the server's start and the read.
#pragma once

#include <optional>
#include <string>

#include "core/context.h"
#include "diff/model.h"

namespace velo::core {

// The schema read earlier from `volume`@`snapshot`, if this velo (same
// version and commit, so the same catalog reader) read it.
std::optional<diff::ClusterSchema> cached_schema(const Context& ctx, const std::string& volume,
                                                 const std::string& snapshot);

// Best effort: a cache that cannot be written costs the next read time,
// nothing else.
void cache_schema(const Context& ctx, const std::string& volume, const std::string& snapshot,
                  const diff::ClusterSchema& schema);

// Drops the entries of snapshots that no longer exist (`velo gc`).
Status prune_schema_cache(Context& ctx);

}  // namespace velo::core
