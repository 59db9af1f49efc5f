#include "core/project/velo_binary_check.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "pg/config_files.h"
#include "util/fs.h"

namespace velo::core {

std::optional<std::string> velo_binary_of(const std::string& archive_command) {
  // Words as /bin/sh splits them, for what velo writes: single-quoted
  // parts, backslash escapes and plain characters.
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < archive_command.size() && words.size() < 2; ++i) {
    char c = archive_command[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      size_t end = archive_command.find('\'', i + 1);
      if (end == std::string::npos) return std::nullopt;
      word += archive_command.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '\\' && i + 1 < archive_command.size()) {
      word += archive_command[++i];
    } else {
      word += c;
    }
  }
  if (in_word && words.size() < 2) words.push_back(word);
  if (words.size() < 2 || words[1] != "wal-archive") return std::nullopt;
  return words[0];
}

std::string binary_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? "is missing"
                           : fmt::format("cannot be read ({})", std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return "is not a file";
  if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) return "is not executable";
  return "";
}

std::vector<Finding> check_velo_binaries(const std::vector<BranchInfo>& branches) {
  std::vector<Finding> findings;
  int checked = 0;
  for (const auto& b : branches) {
    // A stopped server's velo.conf is written again when it starts.
    if (b.runtime != "native" || (b.status != "running" && b.status != "recovering")) continue;
    auto conf = read_file(b.data_dir + "/velo.conf");
    if (!conf.ok()) continue;
    auto command = pg::read_setting(*conf, "archive_command");
    auto binary = command ? velo_binary_of(*command) : std::nullopt;
    if (!binary) continue;
    ++checked;
    std::string problem = binary_problem(*binary);
    if (problem.empty()) continue;
    std::error_code ec;
    std::string target = std::filesystem::read_symlink(*binary, ec).string();
    std::string what = ec ? *binary : fmt::format("{} (a link to {})", *binary, target);
    findings.push_back(
        {"archive " + b.project + "/" + b.branch, "fail",
         fmt::format("its server archives WAL with {}, which {}: no WAL is archived (velo branch "
                     "restart {}/{} points it at this velo)",
                     what, problem, b.project, b.branch)});
  }
  if (findings.empty()) {
    findings.push_back({"archive commands", "ok",
                        fmt::format("{} running {} archive through a velo that runs", checked,
                                    checked == 1 ? "branch" : "branches")});
  }
  return findings;
}

}  // namespace velo::core
