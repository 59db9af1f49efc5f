#include "cli/completion.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace velo::cli {
namespace {

bool visible(const CLI::App* app) { return !app->get_group().empty(); }

// One `case` arm per command path: the words completing after it.
struct Arms {
  std::string commands;
  std::string options;
};

void add_arms(CLI::App& app, const std::string& path, Arms& arms) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return visible(a); })) {
    names.push_back(sub->get_name());
    for (const std::string& alias : sub->get_aliases()) names.push_back(alias);
  }
  std::vector<std::string> options;
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) continue;
    for (const std::string& name : option->get_lnames()) options.push_back("--" + name);
    for (const std::string& name : option->get_snames()) options.push_back("-" + name);
  }
  if (!names.empty()) {
    arms.commands += fmt::format("    '{}') echo '{}' ;;\n", path, fmt::join(names, " "));
  }
  arms.options += fmt::format("    '{}') echo '{}' ;;\n", path, fmt::join(options, " "));
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return visible(a); })) {
    std::string below = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    add_arms(*sub, below, arms);
    // An alias completes as its command does.
    for (const std::string& alias : sub->get_aliases()) {
      add_arms(*sub, path.empty() ? alias : path + " " + alias, arms);
    }
  }
}

}  // namespace

std::string bash_completion(CLI::App& root) {
  Arms arms;
  add_arms(root, "", arms);
  // The command path is the words so far that name a command below the
  // path before them; options, their values and arguments are skipped.
  return fmt::format(R"SH(# velo completion for bash: eval "$(velo completion bash)"
_velo_commands() {{
  case "$1" in
{commands}  esac
}}
_velo_options() {{
  case "$1" in
{options}  esac
}}
_velo() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" path="" word subs i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${{COMP_WORDS[i]}}"
    subs=" $(_velo_commands "$path") "
    if [[ $word != -* && $subs == *" $word "* ]]; then path="${{path:+$path }}$word"; fi
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_velo_options "$path") $(_velo_options '')" -- "$cur"))
    return
  fi
  subs="$(_velo_commands "$path")"
  if [[ -n $subs ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(velo complete-names 2>/dev/null)" -- "$cur"))
  fi
}}
complete -F _velo velo
)SH",
                     fmt::arg("commands", arms.commands), fmt::arg("options", arms.options));
}

std::string zsh_completion(CLI::App& root) {
  return "# velo completion for zsh: eval \"$(velo completion zsh)\"\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         bash_completion(root);
}

}  // namespace velo::cli
