// A throwaway server on a copy-on-write clone of a snapshot: where velo
// reads the schema a branch started with, and rehearses a merge on the
// target's real data. Nothing of it outlives the object: its server, its
// volume (and the snapshot it took, if any) are removed when it goes away,
// and what a killed velo leaves is an orphan that `velo gc` recognises (a
// volume no branch uses, a container of no branch).
#pragma once

#include <memory>
#include <string>

#include "core/cluster.h"
#include "core/context.h"
#include "core/operation.h"
#include "pg/conn_params.h"

namespace velo::core {

class ScratchServer {
 public:
  ScratchServer(const ScratchServer&) = delete;
  ScratchServer& operator=(const ScratchServer&) = delete;
  ~ScratchServer() = default;

  // A server on a clone of `source`'s snapshot `snapshot` (of the volume
  // `volume`, `source`'s or its parent's), opened with `password`, the one
  // the snapshot's data holds.
  static Result<std::unique_ptr<ScratchServer>> of_snapshot(Context& ctx,
                                                            const BranchHandle& source,
                                                            const std::string& volume,
                                                            const std::string& snapshot,
                                                            const std::string& password);
  // A server on a clone of `branch` as it is now (a consistent snapshot,
  // taken for the purpose and destroyed with the server).
  static Result<std::unique_ptr<ScratchServer>> of_now(Context& ctx, BranchHandle& branch);

  // How to reach it as the superuser (database "postgres").
  pg::ConnParams params() const { return conn_params(handle_); }

 private:
  ScratchServer(Context& ctx, const BranchHandle& source);
  Status open(const std::string& volume, const std::string& snapshot, const std::string& password);

  Context& ctx_;
  BranchHandle handle_;
  // Never committed: its undos remove the server when this goes away.
  Operation op_;
};

}  // namespace velo::core
