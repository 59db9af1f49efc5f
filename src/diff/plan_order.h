// Orders the steps of a plan: a topological sort that, among the steps
// whose predecessors are done, takes the lowest rank (drops, then alters,
// then creates), then the earliest added. A cycle (which a consistent pair
// of schemas does not produce) is broken at the same choice, so every step
// is returned once.
#pragma once

#include <cstddef>
#include <set>
#include <vector>

namespace velo::diff {

// `rank[i]` orders ties; `predecessors[i]` are the steps that must precede
// step i. Returns the indexes 0..n-1 in order.
std::vector<size_t> order_steps(const std::vector<int>& rank,
                                const std::vector<std::set<size_t>>& predecessors);

}  // namespace velo::diff
