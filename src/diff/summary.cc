#include "diff/summary.h"

#include <algorithm>
#include <map>

#include "diff/kinds.h"

namespace velo::diff {
namespace {

std::string noun(const std::string& kind, size_t count) {
  if (kind == "database") return count == 1 ? "database" : "databases";
  return count == 1 ? kind : std::string(rules_for(kind).plural);
}

char sign(Change::Action action) {
  switch (action) {
    case Change::Action::Create:
      return '+';
    case Change::Action::Drop:
      return '-';
    case Change::Action::Alter:
      return '~';
  }
  return '~';
}

nlohmann::json hazards_json(const std::vector<Hazard>& hazards) {
  nlohmann::json list = nlohmann::json::array();
  for (const Hazard& hazard : hazards) {
    list.push_back({{"kind", to_string(hazard.kind)}, {"reason", hazard.reason}});
  }
  return list;
}

}  // namespace

std::string summarize(const std::vector<Change>& changes) {
  // Per database, the (sign, kind) groups in the order first seen.
  std::map<std::string, std::vector<std::pair<std::string, size_t>>> groups;
  for (const Change& change : changes) {
    std::string group = std::string(1, sign(change.action)) + change.kind;
    auto& list = groups[change.database];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const auto& entry) { return entry.first == group; });
    if (it == list.end()) {
      list.push_back({group, 1});
    } else {
      ++it->second;
    }
  }
  std::string text;
  for (const auto& [database, list] : groups) {
    text += database + ":";
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& [group, count] = list[i];
      text += (i == 0 ? " " : ", ") + group.substr(0, 1) + std::to_string(count) + " " +
              noun(group.substr(1), count);
    }
    text += "\n";
  }
  return text;
}

nlohmann::json to_json(const std::vector<Change>& changes) {
  nlohmann::json list = nlohmann::json::array();
  for (const Change& change : changes) {
    list.push_back({{"database", change.database},
                    {"kind", change.kind},
                    {"identity", change.identity},
                    {"action", to_string(change.action)},
                    {"old_definition", change.old_definition},
                    {"new_definition", change.new_definition},
                    {"hazards", hazards_json(change.hazards)}});
  }
  return list;
}

nlohmann::json to_json(const Plan& plan) {
  nlohmann::json list = nlohmann::json::array();
  for (const Statement& statement : plan.statements) {
    list.push_back({{"database", statement.database},
                    {"sql", statement.sql},
                    {"transactional", statement.transactional},
                    {"hazards", hazards_json(statement.hazards)}});
  }
  return list;
}

nlohmann::json to_json(const std::vector<Conflict>& conflicts) {
  nlohmann::json list = nlohmann::json::array();
  for (const Conflict& conflict : conflicts) {
    list.push_back({{"database", conflict.database},
                    {"kind", conflict.kind},
                    {"identity", conflict.identity},
                    {"ours", conflict.ours},
                    {"theirs", conflict.theirs}});
  }
  return list;
}

}  // namespace velo::diff
