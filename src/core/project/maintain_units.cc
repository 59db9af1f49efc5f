#include "core/project/maintain_units.h"

#include <fmt/format.h>

#include "core/project/init.h"

namespace velo::core {
namespace {

bool has_control_character(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Description= and other settings expand '%' specifiers; '%%' is a '%'.
std::string escape_specifiers(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

}  // namespace

std::string systemd_exec_word(const std::string& word) {
  bool quote = word.empty();
  std::string escaped;
  for (char c : word) {
    if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\' || c == ';') quote = true;
    if (c == '%' || c == '$') escaped += c;  // %% and $$: a literal one
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c;
  }
  // Unquoted, a backslash or quote would need the escapes it got anyway.
  return quote ? "\"" + escaped + "\"" : escaped;
}

MaintainUnits maintain_unit_names(const std::string& home) {
  std::string stem = "velo-maintain-" + home_hash(home);
  return {stem + ".service", stem + ".timer", "", ""};
}

Result<MaintainUnits> maintain_units(const std::string& home, const std::string& velo_binary,
                                     const std::string& user) {
  for (const std::string* path : {&home, &velo_binary}) {
    if (path->empty() || path->front() != '/') {
      return make_error(ErrorKind::Invalid, "a unit needs an absolute path, not '{}'", *path);
    }
  }
  if (has_control_character(home) || has_control_character(velo_binary) ||
      has_control_character(user) || user.empty()) {
    return make_error(ErrorKind::Invalid,
                      "cannot write a unit for a path or user with a control character");
  }
  MaintainUnits units = maintain_unit_names(home);
  const std::string description = escape_specifiers(home);
  // Hardening that leaves velo's work alone: velo writes to the home, its
  // data root and pools anywhere (so no ProtectSystem/ProtectHome), runs
  // zfs, btrfs, losetup and mount, and reaches imported servers by sockets
  // under /run/velo or /tmp (so no PrivateTmp, PrivateDevices, or
  // ProtectClock, which closes the device policy). Maintenance yields
  // CPU and disk to the databases. No timeout: a scheduled snapshot of a
  // big branch on the copy driver may take long, and the timer does not
  // start a second run while one is active; velo doctor warns when the
  // last run grows old.
  units.service_text = fmt::format(
      "# Written by velo init for the home {home}; velo doctor checks it.\n"
      "[Unit]\n"
      "Description=velo maintain: scheduled snapshots and retention of {description}\n"
      "After=local-fs.target network.target\n"
      "\n"
      "[Service]\n"
      "Type=oneshot\n"
      "User={user}\n"
      "ExecStart={binary} --home {home_word} maintain\n"
      "Nice=10\n"
      "IOSchedulingClass=idle\n"
      "NoNewPrivileges=yes\n"
      "LockPersonality=yes\n"
      "RestrictRealtime=yes\n",
      fmt::arg("home", home), fmt::arg("description", description), fmt::arg("user", user),
      fmt::arg("binary", systemd_exec_word(velo_binary)),
      fmt::arg("home_word", systemd_exec_word(home)));
  units.timer_text = fmt::format(
      "# Written by velo init for the home {home}; velo doctor checks it.\n"
      "[Unit]\n"
      "Description=velo maintain every minute for {description}\n"
      "\n"
      "[Timer]\n"
      "OnBootSec=1min\n"
      "OnUnitActiveSec=1min\n"
      "AccuracySec=5s\n"
      "Unit={service}\n"
      "\n"
      "[Install]\n"
      "WantedBy=timers.target\n",
      fmt::arg("home", home), fmt::arg("description", description),
      fmt::arg("service", units.service));
  return units;
}

}  // namespace velo::core
