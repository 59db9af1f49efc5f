#include "diff/plan_order.h"

#include <utility>

namespace velo::diff {

std::vector<size_t> order_steps(const std::vector<int>& rank,
                                const std::vector<std::set<size_t>>& predecessors) {
  const size_t n = rank.size();
  std::vector<size_t> waiting_on(n, 0);
  std::vector<std::vector<size_t>> successors(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t p : predecessors[i]) {
      if (p == i || p >= n) continue;
      ++waiting_on[i];
      successors[p].push_back(i);
    }
  }
  std::set<std::pair<int, size_t>> ready;  // (rank, index)
  for (size_t i = 0; i < n; ++i) {
    if (waiting_on[i] == 0) ready.insert({rank[i], i});
  }
  std::vector<bool> done(n, false);
  std::vector<size_t> order;
  while (order.size() < n) {
    size_t next;
    if (!ready.empty()) {
      next = ready.begin()->second;
      ready.erase(ready.begin());
    } else {
      // A cycle: take the best remaining step as if it were ready.
      std::pair<int, size_t> best{0, n};
      for (size_t i = 0; i < n; ++i) {
        if (!done[i] && (best.second == n || std::make_pair(rank[i], i) < best)) {
          best = {rank[i], i};
        }
      }
      next = best.second;
    }
    done[next] = true;
    order.push_back(next);
    for (size_t s : successors[next]) {
      if (done[s] || waiting_on[s] == 0) continue;
      if (--waiting_on[s] == 0) ready.insert({rank[s], s});
    }
  }
  return order;
}

}  // namespace velo::diff
