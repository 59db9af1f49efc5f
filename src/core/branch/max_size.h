// Branch disk caps (--max-size): what the storage's quota lets a branch
// write (storage::Driver::set_size_limit), given per branch or as the
// project's default for new branches, kept in the branch's row and set
// again on every volume the branch gets (create, reset, restore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/context.h"
#include "util/result.h"

namespace velo::core {

// The smallest cap: PostgreSQL writes WAL in 16 MiB segments, and a
// branch that cannot hold one cannot even start.
inline constexpr uint64_t kMinMaxSize = uint64_t{16} << 20;

// "20G", "512M", "1073741824" (storage::parse_size), or "none" for no cap.
// Invalid for anything else, below kMinMaxSize, or above what the state
// stores (INT64_MAX).
Result<std::optional<uint64_t>> parse_max_size(const std::string& text);

// Ok when no cap is asked for, or the storage can enforce one. The
// driver's refusal (copy, btrfs without quotas, XFS without prjquota)
// becomes Invalid, with its message on how to enable quotas: the user
// asked for something this pool cannot do, and nothing was made.
Status check_max_size(Context& ctx, const std::optional<uint64_t>& bytes);

// The cap a new branch gets: the one given (`--max-size SIZE|none`), else
// the project's default.
std::optional<uint64_t> effective_max_size(const std::optional<std::optional<uint64_t>>& given,
                                           const std::optional<uint64_t>& project_default);

// velo project set --max-size: the default cap of the project's new
// branches (existing ones keep theirs). Takes the project lock.
Status set_project_max_size(Context& ctx, const std::string& project,
                            const std::optional<uint64_t>& bytes);

}  // namespace velo::core
