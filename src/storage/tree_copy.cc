#include "storage/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "util/fd.h"
#include "util/os_error.h"

namespace velo::storage {
namespace {

Error sys_error(const char* what, const std::string& path) {
  const int err = errno;  // before formatting, which may allocate
  return os_error(err, fmt::format("{} {}", what, path));
}

// Calls visit(dir_fd, name, path, st) for every entry under dir_fd,
// depth-first, without following symlinks. Directories are visited before
// their contents.
using Visitor = std::function<Status(int, const char*, const std::string&, const struct stat&)>;

Status walk(int dir_fd, const std::string& path, const Visitor& visit) {
  int dup_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return sys_error("cannot read", path);
  DIR* dir = fdopendir(dup_fd);
  if (dir == nullptr) {
    close(dup_fd);
    return sys_error("cannot read", path);
  }
  Status status;
  while (struct dirent* e = readdir(dir)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    std::string child = path + "/" + e->d_name;
    struct stat st;
    if (fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we walk (a live server)
      status = sys_error("cannot stat", child);
      break;
    }
    status = visit(dir_fd, e->d_name, child, st);
    if (!status.ok()) break;
    if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub.valid()) {
        status = sys_error("cannot open", child);
        break;
      }
      status = walk(sub.get(), child, visit);
      if (!status.ok()) break;
    }
  }
  closedir(dir);
  return status;
}

// Owners: only root may give files away; anyone else keeps their own.
Status copy_owner(int rc, const std::string& path) {
  if (rc == 0 || (errno == EPERM && geteuid() != 0)) return Status::Ok();
  return sys_error("cannot chown", path);
}

Status set_file_metadata(int fd, const struct stat& st, const std::string& path) {
  VELO_TRY(copy_owner(fchown(fd, st.st_uid, st.st_gid), path));
  // After chown, which clears set-id bits.
  if (fchmod(fd, st.st_mode & 07777) != 0) return sys_error("cannot chmod", path);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (futimens(fd, times) != 0) return sys_error("cannot set times of", path);
  return Status::Ok();
}

Status copy_bytes(int in, int out, const std::string& path, uint64_t* bytes) {
  // Until EOF rather than st_size: a live server may extend a file.
  bool use_copy_file_range = true;
  std::vector<char> buffer;
  for (;;) {
    ssize_t n = -1;
    if (use_copy_file_range) {
      n = copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
        use_copy_file_range = false;  // not supported here: plain read/write
        continue;
      }
    } else {
      if (buffer.empty()) buffer.resize(1 << 20);
      n = read(in, buffer.data(), buffer.size());
      for (ssize_t done = 0; n > 0 && done < n;) {
        ssize_t w = write(out, buffer.data() + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return sys_error("cannot write", path);
        done += w;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("cannot copy", path);
    if (n == 0) return Status::Ok();
    *bytes += n;
  }
}

class Copier {
 public:
  explicit Copier(CopyMode mode) : mode_(mode) {}

  Status copy_entries(int src_fd, int dst_fd, const std::string& path) {
    int dup_fd = fcntl(src_fd, F_DUPFD_CLOEXEC, 0);
    DIR* dir = dup_fd < 0 ? nullptr : fdopendir(dup_fd);
    if (dir == nullptr) {
      if (dup_fd >= 0) close(dup_fd);
      return sys_error("cannot read", path);
    }
    Status status;
    while (struct dirent* e = readdir(dir)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      status = copy_entry(src_fd, dst_fd, e->d_name, path + "/" + e->d_name);
      if (!status.ok()) break;
    }
    closedir(dir);
    return status;
  }

  Status copy_dir(int src_fd, int dst_parent_fd, const char* name, const struct stat& st,
                  const std::string& path) {
    if (mkdirat(dst_parent_fd, name, 0700) != 0) return sys_error("cannot create", path);
    UniqueFd dst(openat(dst_parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dst.valid()) return sys_error("cannot open", path);
    VELO_TRY(copy_entries(src_fd, dst.get(), path));
    // Last, so that the children's creation does not bump mtime and a
    // read-only source mode does not block them.
    return set_file_metadata(dst.get(), st, path);
  }

  TreeCopyStats stats;

 private:
  Status copy_entry(int src_dir, int dst_dir, const char* name, const std::string& path) {
    struct stat st;
    if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return Status::Ok();  // removed meanwhile by a live server
      return sys_error("cannot stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
      UniqueFd src(openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!src.valid()) return sys_error("cannot open", path);
      return copy_dir(src.get(), dst_dir, name, st, path);
    }
    if (S_ISREG(st.st_mode)) return copy_file(src_dir, dst_dir, name, st, path);
    if (S_ISLNK(st.st_mode)) return copy_symlink(src_dir, dst_dir, name, st, path);
    return Status::Ok();  // socket, fifo, device: skipped on purpose
  }

  Status copy_file(int src_dir, int dst_dir, const char* name, const struct stat& st,
                   const std::string& path) {
    UniqueFd in(openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) {
      if (errno == ENOENT) return Status::Ok();
      return sys_error("cannot open", path);
    }
    UniqueFd out(openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out.valid()) return sys_error("cannot create copy of", path);
    if (mode_ == CopyMode::Reflink) {
      if (ioctl(out.get(), FICLONE, in.get()) != 0) {
        if (errno == EOPNOTSUPP || errno == EXDEV || errno == EINVAL || errno == ENOTTY) {
          Error error = os_error(errno, "cannot reflink " + path, ErrorKind::Unavailable);
          error.message += " (not a reflink filesystem?)";
          return error;
        }
        return sys_error("cannot reflink", path);
      }
      stats.bytes += st.st_size;
    } else {
      VELO_TRY(copy_bytes(in.get(), out.get(), path, &stats.bytes));
    }
    stats.files++;
    return set_file_metadata(out.get(), st, path);
  }

  Status copy_symlink(int src_dir, int dst_dir, const char* name, const struct stat& st,
                      const std::string& path) {
    std::vector<char> target(st.st_size > 0 ? st.st_size + 1 : PATH_MAX);
    ssize_t n = readlinkat(src_dir, name, target.data(), target.size());
    if (n < 0) return sys_error("cannot read link", path);
    std::string link(target.data(), n);
    if (symlinkat(link.c_str(), dst_dir, name) != 0) return sys_error("cannot create link", path);
    VELO_TRY(copy_owner(fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW), path));
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW) != 0) {
      return sys_error("cannot set times of", path);
    }
    return Status::Ok();
  }

  CopyMode mode_;
};

// FIEMAP extents of one file that are not shared with another file.
Result<uint64_t> exclusive_bytes_of(int fd, const struct stat& st, const std::string& path) {
  constexpr unsigned kBatch = 128;
  std::vector<char> buf(sizeof(struct fiemap) + kBatch * sizeof(struct fiemap_extent));
  auto* map = reinterpret_cast<struct fiemap*>(buf.data());
  uint64_t start = 0;
  uint64_t total = 0;
  for (;;) {
    std::memset(buf.data(), 0, buf.size());
    map->fm_start = start;
    map->fm_length = FIEMAP_MAX_OFFSET - start;
    map->fm_extent_count = kBatch;
    if (ioctl(fd, FS_IOC_FIEMAP, map) != 0) {
      if (errno == EOPNOTSUPP || errno == ENOTTY) return uint64_t(st.st_blocks) * 512;
      return sys_error("cannot map extents of", path);
    }
    if (map->fm_mapped_extents == 0) return total;
    bool last = false;
    for (unsigned i = 0; i < map->fm_mapped_extents; i++) {
      const auto& e = map->fm_extents[i];
      if (!(e.fe_flags & FIEMAP_EXTENT_SHARED)) total += e.fe_length;
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST);
      start = e.fe_logical + e.fe_length;
    }
    if (last) return total;
  }
}

}  // namespace

Result<TreeCopyStats> copy_tree(const std::string& src, const std::string& dst, CopyMode mode) {
  UniqueFd src_fd(open(src.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!src_fd.valid()) return sys_error("cannot open", src);
  struct stat st;
  if (fstat(src_fd.get(), &st) != 0) return sys_error("cannot stat", src);
  Copier copier(mode);
  VELO_TRY(copier.copy_dir(src_fd.get(), AT_FDCWD, dst.c_str(), st, dst));
  return copier.stats;
}

Result<uint64_t> allocated_bytes(const std::string& root) {
  UniqueFd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return sys_error("cannot open", root);
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> linked;  // inodes with more than one name
  VELO_TRY(walk(fd.get(), root,
                [&](int, const char*, const std::string&, const struct stat& st) -> Status {
                  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 &&
                      !linked.emplace(st.st_dev, st.st_ino).second) {
                    return Status::Ok();
                  }
                  total += uint64_t(st.st_blocks) * 512;
                  return Status::Ok();
                }));
  return total;
}

Result<uint64_t> exclusive_extent_bytes(const std::string& root) {
  UniqueFd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return sys_error("cannot open", root);
  uint64_t total = 0;
  VELO_TRY(walk(
      fd.get(), root,
      [&](int dir_fd, const char* name, const std::string& path, const struct stat& st) -> Status {
        if (!S_ISREG(st.st_mode)) return Status::Ok();
        UniqueFd file(openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!file.valid()) return errno == ENOENT ? Status::Ok() : sys_error("cannot open", path);
        VELO_ASSIGN_OR_RETURN(uint64_t bytes, exclusive_bytes_of(file.get(), st, path));
        total += bytes;
        return Status::Ok();
      }));
  return total;
}

}  // namespace velo::storage
