// Copies a directory tree in-process (no fork per file), for the reflink
// and copy drivers. Keeps modes, owners, timestamps and symlinks; skips
// sockets, fifos and device nodes (a PostgreSQL data directory has none
// that matter, and a copied socket is meaningless). Hard links are copied
// as separate files.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace velo::storage {

enum class CopyMode {
  Reflink,  // ioctl FICLONE per file; fails if the filesystem cannot share
  Copy,     // copy_file_range, falling back to read/write
};

struct TreeCopyStats {
  uint64_t files = 0;
  uint64_t bytes = 0;  // logical file sizes
};

// Copies `src` (a directory) to `dst`, which must not exist; its parent
// must. On failure `dst` may be partial: the caller removes it.
Result<TreeCopyStats> copy_tree(const std::string& src, const std::string& dst, CopyMode mode);

// Sum of allocated blocks (st_blocks * 512) of everything under `root`,
// counting a hard-linked inode once.
Result<uint64_t> allocated_bytes(const std::string& root);

// Bytes of regular files' extents under `root` that FIEMAP does not flag
// as shared: an estimate of what removing the tree would free on a
// reflink filesystem. Delayed-allocation extents count as exclusive.
Result<uint64_t> exclusive_extent_bytes(const std::string& root);

}  // namespace velo::storage
