#include "core/branch/logs.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "util/fd.h"
#include "util/fs.h"
#include "util/os_error.h"

namespace velo::core {
namespace {

constexpr const char* kStampFormat = "%Y%m%dT%H%M%SZ";

std::string stamp(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  size_t n = std::strftime(text, sizeof text, kStampFormat, &tm);
  return std::string(text, n);
}

// The time in a kept log's name (<project>.<branch>.<stamp>.log); false
// for any other name. Neither names nor branches hold a '.'.
bool kept_log_time(const std::string& name, std::chrono::system_clock::time_point* time) {
  constexpr std::string_view kSuffix = ".log";
  if (name.size() <= kSuffix.size() || name.compare(name.size() - 4, 4, kSuffix) != 0) return false;
  std::string base = name.substr(0, name.size() - kSuffix.size());
  size_t dot = base.rfind('.');
  if (dot == std::string::npos || base.find('.') == dot) return false;
  std::tm tm{};
  const char* end = strptime(base.c_str() + dot + 1, kStampFormat, &tm);
  if (end == nullptr || *end != '\0') return false;
  *time = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

std::string ensure_newline(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

// Reads whatever `fd` holds past `*offset`, handing it to `out`.
void drain(int fd, uint64_t* offset, const std::function<void(std::string_view)>& out) {
  char buffer[16384];
  while (true) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(*offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    *offset += static_cast<uint64_t>(n);
    out(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

}  // namespace

std::string branch_log_location(const BranchHandle& handle) {
  if (handle.project.runtime == "native" || path_exists(handle.spec.log_path)) {
    return handle.spec.log_path;
  }
  return "";
}

Result<std::string> tail_lines(const std::string& path, int lines) {
  if (lines < 0) return make_error(ErrorKind::Invalid, "invalid line count {}", lines);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return os_error(errno, "open " + path);
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0) return os_error(errno, "seek " + path);
  // Backwards in blocks until the text holds `lines` line ends after its
  // first (the file's last newline ends the last line, not one more).
  std::string text;
  off_t start = size;
  constexpr off_t kBlock = off_t{64} * 1024;
  auto newlines = [&] {
    size_t count = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) count += text[i] == '\n' ? 1 : 0;
    return count;
  };
  while (start > 0 && newlines() < static_cast<size_t>(lines)) {
    off_t from = start > kBlock ? start - kBlock : 0;
    std::string block(static_cast<size_t>(start - from), '\0');
    ssize_t n = ::pread(fd.get(), block.data(), block.size(), from);
    if (n < 0) return os_error(errno, "read " + path);
    text = block.substr(0, static_cast<size_t>(n)) + text;
    start = from;
  }
  if (lines == 0) return std::string();
  size_t pos = text.size() > 1 ? text.size() - 1 : 0;
  for (int i = 0; i < lines; ++i) {
    if (pos == 0) return ensure_newline(text);
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return ensure_newline(text);
  }
  return ensure_newline(text.substr(pos + 1));
}

Result<std::string> read_log_tail(const BranchHandle& handle, int lines) {
  if (lines < 0) {
    return make_error(ErrorKind::Invalid, "invalid --lines {}: expected 0 or more", lines);
  }
  const std::string& path = handle.spec.log_path;
  if (path_exists(path)) return tail_lines(path, lines);
  if (handle.project.runtime == "native") {
    return make_error(ErrorKind::NotFound, "{}/{} has no log yet ({})", handle.project.name,
                      handle.branch.name, path);
  }
  if (lines == 0) return std::string();
  return ensure_newline(handle.runtime->log_tail(handle.spec, lines));
}

Status follow_file(const std::string& path, uint64_t offset, Clock& clock,
                   const std::function<void(std::string_view)>& out,
                   const std::function<bool()>& stop) {
  UniqueFd fd;
  struct stat opened {};
  while (!stop()) {
    struct stat now {};
    bool present = ::stat(path.c_str(), &now) == 0;
    bool replaced =
        present && fd.valid() && (now.st_ino != opened.st_ino || now.st_dev != opened.st_dev);
    if (present && (!fd.valid() || replaced)) {
      if (fd.valid()) drain(fd.get(), &offset, out);  // the old file's last words
      fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.valid() && ::fstat(fd.get(), &opened) != 0) fd.reset();
      if (replaced) offset = 0;
    }
    if (fd.valid()) {
      struct stat current {};
      if (::fstat(fd.get(), &current) == 0 && static_cast<uint64_t>(current.st_size) < offset) {
        offset = 0;  // truncated: read it again from the start
      }
      drain(fd.get(), &offset, out);
    }
    clock.sleep_for(std::chrono::milliseconds(200));
  }
  return Status::Ok();
}

std::string kept_log_path(Context& ctx, const std::string& project, const std::string& branch) {
  return fmt::format("{}/logs/deleted/{}.{}.{}.log", ctx.home, project, branch,
                     stamp(ctx.clock.now()));
}

Result<std::string> keep_log(Context& ctx, BranchHandle& handle) {
  const std::string kept = kept_log_path(ctx, handle.project.name, handle.branch.name);
  VELO_TRY(make_dirs(ctx.home + "/logs/deleted", 0700));
  const std::string& path = handle.spec.log_path;
  if (path_exists(path)) {
    if (::rename(path.c_str(), kept.c_str()) != 0) return os_error(errno, "rename " + path);
    return kept;
  }
  if (handle.project.runtime == "native") return std::string();
  // The engine's copy goes with the container: write it out first.
  std::string text = handle.runtime->log_tail(handle.spec, 1000000);
  if (text.empty()) return std::string();
  VELO_TRY(write_file_atomic(kept, ensure_newline(text), 0600));
  return kept;
}

Result<std::vector<std::string>> prune_kept_logs(Context& ctx) {
  const std::string dir = ctx.home + "/logs/deleted";
  std::vector<std::string> removed;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) {
    if (errno == ENOENT) return removed;
    return os_error(errno, "open " + dir);
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(listing)) names.emplace_back(entry->d_name);
  ::closedir(listing);
  const auto cutoff = ctx.clock.now() - kKeptLogAge;
  for (const auto& name : names) {
    std::chrono::system_clock::time_point time;
    if (!kept_log_time(name, &time) || time >= cutoff) continue;
    const std::string path = dir + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + path);
    removed.push_back(path);
  }
  return removed;
}

}  // namespace velo::core
