#include "core/config.h"

#include <nlohmann/json.hpp>
#include <regex>

namespace velo::core {

Result<Config> load_config(state::Store& store) {
  VELO_ASSIGN_OR_RETURN(auto text, store.get_meta("config"));
  if (!text) {
    return make_error(ErrorKind::NotFound, "velo is not initialised here: run 'velo init' first");
  }
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) return make_error(ErrorKind::Io, "the stored configuration is corrupt");
  Config config;
  config.storage.kind = json.value("storage", "");
  config.storage.zfs_parent = json.value("zfs_parent", "");
  config.storage.path = json.value("path", "");
  config.storage.image_file = json.value("image_file", "");
  config.storage.image_fs = json.value("image_fs", "");
  config.port_min = json.value("port_min", Config{}.port_min);
  config.port_max = json.value("port_max", Config{}.port_max);
  config.data_root = json.value("data_root", "");
  config.os_user = json.value("os_user", "");
  config.reserve_percent = json.value("reserve_percent", Config{}.reserve_percent);
  return config;
}

Status save_config(state::Store& store, const Config& config) {
  nlohmann::json json = {
      {"storage", config.storage.kind},      {"zfs_parent", config.storage.zfs_parent},
      {"path", config.storage.path},         {"image_file", config.storage.image_file},
      {"image_fs", config.storage.image_fs}, {"port_min", config.port_min},
      {"port_max", config.port_max},         {"data_root", config.data_root},
      {"os_user", config.os_user},           {"reserve_percent", config.reserve_percent},
  };
  return store.set_meta("config", json.dump());
}

Status parse_reserve(const std::string& text, Config& config) {
  static const std::regex pattern("([0-9]{1,2})%?");
  std::smatch match;
  if (std::regex_match(text, match, pattern)) {
    int percent = std::stoi(match[1]);
    if (percent <= 50) {
      config.reserve_percent = percent;
      return Status::Ok();
    }
  }
  return make_error(ErrorKind::Invalid,
                    "invalid --reserve '{}': expected a share of 0-50%, e.g. 10%", text);
}

Status parse_port_range(const std::string& text, Config& config) {
  static const std::regex pattern("([0-9]{1,5})-([0-9]{1,5})");
  std::smatch match;
  if (std::regex_match(text, match, pattern)) {
    int low = std::stoi(match[1]);
    int high = std::stoi(match[2]);
    if (low >= 1024 && high <= 65535 && low <= high) {
      config.port_min = low;
      config.port_max = high;
      return Status::Ok();
    }
  }
  return make_error(ErrorKind::Invalid,
                    "invalid port range '{}': expected LOW-HIGH within 1024-65535", text);
}

}  // namespace velo::core
