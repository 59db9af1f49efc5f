#include "pg/config_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "util/fs.h"
#include "util/os_error.h"

namespace velo::pg {
namespace {

constexpr mode_t kFileMode = 0600;
constexpr char kIncludeLine[] = "include_if_exists = 'velo.conf'";

// Files velo writes into PGDATA take the data directory's owner: velo may
// run as root while the server runs as postgres, which must read them.
Status write_owned(const std::string& data_dir, const std::string& name,
                   const std::string& content) {
  struct stat st {};
  if (::stat(data_dir.c_str(), &st) != 0) return os_error(errno, "stat " + data_dir);
  return write_file_atomic(data_dir + "/" + name, content, kFileMode, st.st_uid, st.st_gid);
}

std::string without_spaces(const std::string& line) {
  std::string out;
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') out += c;
  }
  return out;
}

}  // namespace

std::string quote_setting(const std::string& value) {
  // Inside quotes the configuration parser also reads backslash escapes,
  // so a literal backslash must be doubled as well as a quote.
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::optional<std::string> read_setting(const std::string& conf_text, const std::string& name) {
  std::optional<std::string> found;
  std::istringstream lines(conf_text);
  std::string line;
  const std::string prefix = name + " = '";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    // The inverse of quote_setting: '' and \\ are one character each.
    std::string value;
    bool closed = false;
    for (size_t i = prefix.size(); i < line.size() && !closed; ++i) {
      char c = line[i];
      if ((c == '\'' || c == '\\') && i + 1 < line.size() && line[i + 1] == c) {
        value += c;
        ++i;
      } else if (c == '\'') {
        closed = true;
      } else {
        value += c;
      }
    }
    if (closed) found = value;
  }
  return found;
}

Status write_velo_conf(const std::string& data_dir, const Settings& settings) {
  std::string content =
      "# Written by velo: the server settings that belong to this branch.\n"
      "# velo rewrites this file; put your own settings in postgresql.conf or\n"
      "# use ALTER SYSTEM (postgresql.auto.conf is read after this file).\n";
  for (const auto& [name, value] : settings) {
    content += name + " = " + quote_setting(value) + "\n";
  }
  return write_owned(data_dir, "velo.conf", content);
}

Status ensure_velo_include(const std::string& data_dir) {
  std::string path = data_dir + "/postgresql.conf";
  VELO_ASSIGN_OR_RETURN(std::string content, read_file(path));
  std::istringstream lines(content);
  std::string line;
  const std::string wanted = without_spaces(kIncludeLine);
  while (std::getline(lines, line)) {
    if (without_spaces(line) == wanted) return Status::Ok();
  }
  // Appended last so that velo's settings override postgresql.conf's
  // defaults (the last occurrence of a setting wins).
  if (!content.empty() && content.back() != '\n') content += '\n';
  content += "\n# Added by velo: port, listen address and WAL settings of this branch.\n";
  content += std::string(kIncludeLine) + "\n";
  return write_owned(data_dir, "postgresql.conf", content);
}

Status write_hba(const std::string& data_dir) {
  // "all" in the address column matches IPv4 and IPv6 alike; which
  // interfaces are reachable at all is decided by listen_addresses.
  const std::string content =
      "# Written by velo.\n"
      "# TYPE  DATABASE     USER  ADDRESS  METHOD\n"
      "local   all          all            peer\n"
      "local   replication  all            peer\n"
      "host    all          all   all      scram-sha-256\n"
      "host    replication  all   all      scram-sha-256\n";
  return write_owned(data_dir, "pg_hba.conf", content);
}

Status remove_clone_leftovers(const std::string& data_dir) {
  static const char* const kLeftovers[] = {"postmaster.pid", "postmaster.opts", "standby.signal",
                                           "recovery.signal", "backup_label.old"};
  for (const char* name : kLeftovers) {
    std::string path = data_dir + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error(errno, "remove " + path);
  }
  return Status::Ok();
}

}  // namespace velo::pg
