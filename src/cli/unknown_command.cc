#include "cli/unknown_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/suggest.h"

namespace velo::cli {
namespace {

const CommandRow* find_row(const CommandTable& table, const CommandPath& path) {
  for (const CommandRow& row : table) {
    if (row.path == path) return &row;
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
  for (const std::string& word : words) {
    CommandPath parent = typed;
    typed.push_back(word);
    const CommandRow* row = find_row(table, typed);
    if (row != nullptr) {
      if (row->run) return std::nullopt;  // a command: the rest are its arguments
      continue;
    }
    const std::string shown = fmt::format("{}", fmt::join(typed, " "));
    if (auto near = nearest_name(word, names_below(table, parent))) {
      typed.back() = *near;
      return fmt::format("unknown command '{}' (did you mean '{}'?)", shown, fmt::join(typed, " "));
    }
    parent.insert(parent.begin(), "velo");
    return fmt::format("unknown command '{}' (see {} --help)", shown, fmt::join(parent, " "));
  }
  return std::nullopt;
}

}  // namespace velo::cli
