#include "core/history/wal_copy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "util/fd.h"
#include "util/fs.h"
#include "util/os_error.h"

namespace velo::core {
namespace {

// Streams `from` into the open descriptor `to`.
Status copy_fd(int from, const std::string& from_path, int to, const std::string& to_path) {
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error(errno, "read " + from_path);
    if (n == 0) return Status::Ok();
    VELO_TRY(write_all(to, buffer, static_cast<size_t>(n), to_path));
  }
}

// The archive is a volume of the pool beside pg_wal (wal_archive.h): on
// btrfs and XFS, a segment is shared (FICLONE) instead of written again,
// which costs no space for a restored segment and no I/O either way. A
// clone is copy-on-write, so a later write to either file leaves the
// other as it was. Elsewhere (zfs, another filesystem), bytes are copied.
Status clone_or_copy(int from, const std::string& from_path, int to, const std::string& to_path) {
  if (::ioctl(to, FICLONE, from) == 0) return Status::Ok();
  return copy_fd(from, from_path, to, to_path);
}

Result<bool> same_content(const std::string& a, const std::string& b) {
  // WAL segments are 16 MiB: compare in chunks, not whole files in memory.
  UniqueFd fa(::open(a.c_str(), O_RDONLY | O_CLOEXEC));
  if (fa.get() < 0) return os_error(errno, "open " + a);
  UniqueFd fb(::open(b.c_str(), O_RDONLY | O_CLOEXEC));
  if (fb.get() < 0) return os_error(errno, "open " + b);
  struct stat sa {
  }, sb{};
  if (::fstat(fa.get(), &sa) != 0 || ::fstat(fb.get(), &sb) != 0)
    return os_error(errno, "stat " + a);
  if (sa.st_size != sb.st_size) return false;
  std::string ba(1 << 16, '\0'), bb(1 << 16, '\0');
  for (off_t offset = 0; offset < sa.st_size;) {
    ssize_t na = ::pread(fa.get(), ba.data(), ba.size(), offset);
    ssize_t nb = ::pread(fb.get(), bb.data(), bb.size(), offset);
    if (na < 0 || nb < 0) return os_error(errno, "read " + a);
    if (na != nb || na == 0) return false;
    if (ba.compare(0, static_cast<size_t>(na), bb, 0, static_cast<size_t>(nb)) != 0) return false;
    offset += na;
  }
  return true;
}

}  // namespace

Status check_wal_file_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) return make_error(ErrorKind::Invalid, "'{}' is not a WAL file name", name);
  return Status::Ok();
}

Status archive_wal_file(const std::string& source, const std::string& dest_dir,
                        const std::string& name) {
  VELO_TRY(check_wal_file_name(name));
  const std::string dest = dest_dir + "/" + name;
  if (path_exists(dest)) {
    VELO_ASSIGN_OR_RETURN(bool same, same_content(source, dest));
    if (same) return Status::Ok();
    return make_error(ErrorKind::Conflict,
                      "{} is already archived with different content; refusing to overwrite it",
                      dest);
  }
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return os_error(errno, "open " + source);
  // The temporary name starts with a dot, which no WAL file name does, so
  // readers of the archive skip it and a crash leaves nothing they take.
  const std::string temp = dest_dir + "/." + name + ".tmp." + std::to_string(::getpid());
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
  UniqueFd out(::open(temp.c_str(), kFlags, 0600));
  if (out.get() < 0) return os_error(errno, "create " + temp);
  auto fail = [&](Error error) -> Status {
    ::unlink(temp.c_str());
    return error;
  };
  Status copied = clone_or_copy(in.get(), source, out.get(), temp);
  if (!copied.ok()) return fail(copied.error());
  if (::fsync(out.get()) != 0) return fail(os_error(errno, "fsync " + temp));
  if (out.close() != 0) return fail(os_error(errno, "close " + temp));
  // link() rather than rename(): it fails instead of replacing a file that
  // another archiver put there since our check.
  if (::link(temp.c_str(), dest.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    if (err == EEXIST) return archive_wal_file(source, dest_dir, name);
    return os_error(err, "link " + temp + " to " + dest);
  }
  ::unlink(temp.c_str());
  return fsync_path(dest_dir);
}

Status restore_wal_file(const std::string& archive_dir, const std::string& name,
                        const std::string& dest) {
  VELO_TRY(check_wal_file_name(name));
  const std::string source = archive_dir + "/" + name;
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return os_error(errno, "open " + source);
  UniqueFd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (out.get() < 0) return os_error(errno, "create " + dest);
  VELO_TRY(clone_or_copy(in.get(), source, out.get(), dest));
  if (out.close() != 0) return os_error(errno, "close " + dest);
  return Status::Ok();
}

}  // namespace velo::core
