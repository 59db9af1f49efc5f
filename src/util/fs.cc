#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <system_error>

#include "util/fd.h"
#include "util/os_error.h"

namespace velo {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status write_atomic(const std::string& path, const std::string& content, mode_t mode,
                    bool set_owner, uid_t uid, gid_t gid, bool durable = true) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  // O_EXCL: never write into a file someone else prepared under our
  // name. One left by a crashed velo with the same pid is ours to remove.
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
  UniqueFd fd(::open(temp.c_str(), kFlags, 0600));
  if (fd.get() < 0 && errno == EEXIST && ::unlink(temp.c_str()) == 0) {
    fd.reset(::open(temp.c_str(), kFlags, 0600));
  }
  if (fd.get() < 0) return os_error(errno, "create " + temp);
  auto fail = [&](Error error) {
    ::unlink(temp.c_str());
    return error;
  };
  // Ownership and mode before the content exists under its final name;
  // fchmod because the umask would have narrowed the open() mode.
  if (set_owner && ::fchown(fd.get(), uid, gid) != 0) return fail(os_error(errno, "chown " + temp));
  if (::fchmod(fd.get(), mode) != 0) return fail(os_error(errno, "chmod " + temp));
  Status written = write_all(fd.get(), content.data(), content.size(), temp);
  if (!written.ok()) return fail(written.error());
  if (durable && ::fsync(fd.get()) != 0) return fail(os_error(errno, "fsync " + temp));
  if (fd.close() != 0) return fail(os_error(errno, "close " + temp));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail(os_error(errno, "rename " + temp + " to " + path));
  }
  // The rename is durable only once the directory is synced.
  return durable ? fsync_path(parent_of(path)) : Status::Ok();
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  return write_atomic(path, content, mode, false, 0, 0);
}

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode,
                         uid_t uid, gid_t gid) {
  return write_atomic(path, content, mode, true, uid, gid);
}

Status write_file_replace(const std::string& path, const std::string& content, mode_t mode) {
  return write_atomic(path, content, mode, false, 0, 0, false);
}

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return os_error(errno, "open " + path);
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error(errno, "read " + path);
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return make_error(ErrorKind::Invalid, "empty directory path");
  // Walk down from the root, creating what is missing.
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (::mkdir(prefix.c_str(), mode) == 0) {
      // mkdir's mode passed through the umask; the contract is `mode`.
      if (::chmod(prefix.c_str(), mode) != 0) return os_error(errno, "chmod " + prefix);
      continue;
    }
    if (errno != EEXIST) return os_error(errno, "mkdir " + prefix);
    struct stat st {};
    if (::stat(prefix.c_str(), &st) != 0) return os_error(errno, "stat " + prefix);
    if (!S_ISDIR(st.st_mode)) {
      return make_error(ErrorKind::Conflict, "{} exists and is not a directory", prefix);
    }
  }
  return Status::Ok();
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  // remove_all does not follow symlinks: a link to elsewhere is unlinked.
  std::filesystem::remove_all(path, ec);
  if (ec) return os_error(ec.value(), "remove " + path);
  return Status::Ok();
}

Status fsync_path(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return os_error(errno, "open " + path);
  // Some filesystems refuse fsync on a directory; nothing more can be done.
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return os_error(errno, "fsync " + path);
  return Status::Ok();
}

Status chown_tree(const std::string& path, uid_t uid, gid_t gid) {
  // Breadth-first with an explicit queue: data directories can be deep
  // enough (tablespaces, extensions) that recursion is not worth the risk.
  std::deque<std::string> pending{path};
  while (!pending.empty()) {
    std::string current = std::move(pending.front());
    pending.pop_front();
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0) {
      if (errno == ENOENT && current != path) continue;  // removed meanwhile
      return os_error(errno, "stat " + current);
    }
    if ((st.st_uid != uid || st.st_gid != gid) && ::lchown(current.c_str(), uid, gid) != 0) {
      return os_error(errno, "chown " + current);
    }
    if (!S_ISDIR(st.st_mode)) continue;
    DIR* dir = ::opendir(current.c_str());
    if (dir == nullptr) return os_error(errno, "open directory " + current);
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      pending.push_back(current + "/" + name);
    }
    ::closedir(dir);
  }
  return Status::Ok();
}

Status chown_copy(const std::string& path, uid_t uid, gid_t gid,
                  const std::vector<std::string>& written) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return os_error(errno, "stat " + path);
  if (st.st_uid != uid || st.st_gid != gid || !S_ISDIR(st.st_mode)) {
    return chown_tree(path, uid, gid);
  }
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return os_error(errno, "open directory " + path);
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  for (const auto& name : names) {
    const std::string entry = path + "/" + name;
    if (::lstat(entry.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed meanwhile
      return os_error(errno, "stat " + entry);
    }
    const bool owned = st.st_uid == uid && st.st_gid == gid;
    if (S_ISDIR(st.st_mode) &&
        (!owned || std::find(written.begin(), written.end(), name) != written.end())) {
      VELO_TRY(chown_tree(entry, uid, gid));
    } else if (!owned && ::lchown(entry.c_str(), uid, gid) != 0) {
      return os_error(errno, "chown " + entry);
    }
  }
  return Status::Ok();
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path == nullptr ? "" : path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return "";
}

std::string tail_file(const std::string& path, int lines) {
  if (lines <= 0) return "";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return "";
  // Server logs grow without bound; the last 64 KiB hold enough lines.
  constexpr off_t kWindow = off_t{64} * 1024;
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0) return "";
  off_t start = size > kWindow ? size - kWindow : 0;
  std::string text(static_cast<size_t>(size - start), '\0');
  ssize_t n = ::pread(fd.get(), text.data(), text.size(), start);
  if (n < 0) return "";
  text.resize(static_cast<size_t>(n));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t pos = text.size();
  for (int i = 0; i < lines; ++i) {
    pos = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

std::string mountpoint_of_source(const std::string& source) {
  auto mounts = read_file("/proc/mounts");
  if (!mounts.ok() || source.empty()) return "";
  size_t start = 0;
  while (start < mounts->size()) {
    size_t end = mounts->find('\n', start);
    if (end == std::string::npos) end = mounts->size();
    std::string line = mounts->substr(start, end - start);
    start = end + 1;
    size_t first = line.find(' ');
    if (first == std::string::npos || line.compare(0, first, source) != 0 ||
        first != source.size()) {
      continue;
    }
    size_t second = line.find(' ', first + 1);
    return line.substr(first + 1,
                       second == std::string::npos ? std::string::npos : second - first - 1);
  }
  return "";
}

Status write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error(errno, "write " + path);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace velo
