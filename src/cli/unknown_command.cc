#include "cli/unknown_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cli/suggest.h"

namespace velo::cli {
namespace {

// The row `path` names, by the command's name or one of its aliases.
const CommandRow* find_row(const CommandTable& table, const CommandPath& path) {
  for (const CommandRow& row : table) {
    if (row.path.size() != path.size()) continue;
    if (!std::equal(path.begin(), path.end() - 1, row.path.begin())) continue;
    const std::string& last = path.back();
    if (row.path.back() == last ||
        std::find(row.aliases.begin(), row.aliases.end(), last) != row.aliases.end()) {
      return &row;
    }
  }
  return nullptr;
}

// The names of the visible commands and groups right below `parent`.
std::vector<std::string> names_below(const CommandTable& table, const CommandPath& parent) {
  std::vector<std::string> names;
  for (const CommandRow& row : table) {
    if (row.hidden || row.path.size() != parent.size() + 1) continue;
    if (std::equal(parent.begin(), parent.end(), row.path.begin()))
      names.push_back(row.path.back());
  }
  return names;
}

// The words from `first` on with a later one that names a command below
// `parent` moved to the front, when that makes a command line: `velo
// create branch x/y` and `velo branch x/y show` put the command after the
// name, as other tools do.
std::optional<std::string> reordered_words(const CommandTable& table, const CommandPath& parent,
                                           const std::vector<std::string>& words, size_t first) {
  const std::vector<std::string> below = names_below(table, parent);
  for (size_t j = first + 1; j < words.size(); ++j) {
    if (std::find(below.begin(), below.end(), words[j]) == below.end()) continue;
    std::vector<std::string> candidate = parent;
    candidate.push_back(words[j]);
    for (size_t k = first; k < words.size(); ++k) {
      if (k != j) candidate.push_back(words[k]);
    }
    // It must name a command (not a group), which then takes the rest.
    CommandPath path;
    for (const std::string& word : candidate) {
      path.push_back(word);
      const CommandRow* row = find_row(table, path);
      if (row == nullptr) break;
      if (row->run) return fmt::format("{}", fmt::join(candidate, " "));
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> command_words(const CLI::App& root, const std::vector<std::string>& args) {
  std::vector<std::string> words;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') {
      words.push_back(arg);
      continue;
    }
    if (arg.find('=') != std::string::npos) continue;  // --home=DIR
    const CLI::Option* option = root.get_option_no_throw(arg);
    if (option != nullptr && option->get_items_expected_min() > 0) ++i;  // its value
  }
  return words;
}

std::optional<std::string> unknown_command(const CommandTable& table,
                                           const std::vector<std::string>& words) {
  CommandPath typed;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    CommandPath parent = typed;
    typed.push_back(word);
    const CommandRow* row = find_row(table, typed);
    if (row != nullptr) {
      if (row->run) return std::nullopt;  // a command: the rest are its arguments
      continue;
    }
    const std::string shown = fmt::format("{}", fmt::join(typed, " "));
    if (auto reordered = reordered_words(table, parent, words, i)) {
      return fmt::format("unknown command '{}' (did you mean '{}'?)", shown, *reordered);
    }
    if (auto near = nearest_name(word, names_below(table, parent))) {
      typed.back() = *near;
      return fmt::format("unknown command '{}' (did you mean '{}'?)", shown, fmt::join(typed, " "));
    }
    parent.insert(parent.begin(), "velo");
    return fmt::format("unknown command '{}' (see {} --help)", shown, fmt::join(parent, " "));
  }
  return std::nullopt;
}

std::optional<std::string> missing_command(const CommandTable& table,
                                           const std::vector<std::string>& words) {
  const CommandRow* row = find_row(table, words);
  if (words.empty() || row == nullptr || row->run) return std::nullopt;
  const std::string group = fmt::format("velo {}", fmt::join(words, " "));
  return fmt::format("'{}' needs a command: {} (see {} --help)", group,
                     fmt::join(names_below(table, words), ", "), group);
}

}  // namespace velo::cli
