#include "runtime/docker_api.h"

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace velo::runtime {

using nlohmann::json;

std::string container_create_body(const ContainerConfig& config) {
  json body = json::object();
  body["Image"] = config.image;
  if (!config.entrypoint.empty()) body["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty()) body["Cmd"] = config.cmd;
  if (!config.user.empty()) body["User"] = config.user;
  if (!config.env.empty()) body["Env"] = config.env;
  body["Labels"] = json::object();
  for (const auto& [key, value] : config.labels) body["Labels"][key] = value;
  if (!config.stop_signal.empty()) body["StopSignal"] = config.stop_signal;
  if (config.stop_timeout_s >= 0) body["StopTimeout"] = config.stop_timeout_s;

  json host = json::object();
  // Mounts rather than Binds: a host path with ':' or ',' in it needs no
  // escaping, and a missing source is an error instead of a new empty dir.
  json mounts = json::array();
  for (const BindMount& mount : config.mounts) {
    mounts.push_back({{"Type", "bind"},
                      {"Source", mount.source},
                      {"Target", mount.target},
                      {"ReadOnly", mount.read_only}});
  }
  host["Mounts"] = mounts;
  if (config.host_port > 0) {
    const std::string port = std::to_string(config.container_port) + "/tcp";
    body["ExposedPorts"] = {{port, json::object()}};
    host["PortBindings"] = {
        {port, json::array({{{"HostIp", config.host_ip},
                             {"HostPort", std::to_string(config.host_port)}}})}};
  }
  if (config.shm_size_bytes > 0) host["ShmSize"] = config.shm_size_bytes;
  host["RestartPolicy"] = {{"Name", "no"}};
  body["HostConfig"] = host;
  return body.dump();
}

namespace {

std::map<std::string, std::string> labels_of(const json& labels) {
  std::map<std::string, std::string> out;
  if (!labels.is_object()) return out;
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

std::string string_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Typed reads that fall back on a value of the wrong type: json::value()
// throws there, and an engine (or a proxy in front of it) may send anything.
bool bool_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

int int_at(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  const auto value = it->get<int64_t>();
  return value >= INT32_MIN && value <= INT32_MAX ? static_cast<int>(value) : 0;
}

std::string strip_slash(std::string name) {
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  return name;
}

}  // namespace

Result<ContainerInfo> parse_container_inspect(const std::string& body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object())
    return make_error(ErrorKind::Io, "docker: unreadable container inspect response");
  ContainerInfo info;
  info.id = string_at(doc, "Id");
  info.name = strip_slash(string_at(doc, "Name"));
  if (auto state = doc.find("State"); state != doc.end() && state->is_object()) {
    info.state = string_at(*state, "Status");
    info.running = bool_at(*state, "Running");
    info.exit_code = int_at(*state, "ExitCode");
    info.error = string_at(*state, "Error");
  }
  if (auto config = doc.find("Config"); config != doc.end() && config->is_object()) {
    info.image = string_at(*config, "Image");
    if (auto labels = config->find("Labels"); labels != config->end())
      info.labels = labels_of(*labels);
  }
  return info;
}

Result<std::vector<ContainerInfo>> parse_container_list(const std::string& body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array())
    return make_error(ErrorKind::Io, "docker: unreadable container list response");
  std::vector<ContainerInfo> out;
  for (const json& entry : doc) {
    if (!entry.is_object()) continue;
    ContainerInfo info;
    info.id = string_at(entry, "Id");
    if (auto names = entry.find("Names"); names != entry.end() && names->is_array() &&
                                          !names->empty() && names->front().is_string()) {
      info.name = strip_slash(names->front().get<std::string>());
    }
    info.image = string_at(entry, "Image");
    info.state = string_at(entry, "State");
    info.running = info.state == "running";
    if (auto labels = entry.find("Labels"); labels != entry.end()) info.labels = labels_of(*labels);
    out.push_back(std::move(info));
  }
  return out;
}

std::string error_message(const std::string& body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) {
    std::string message = string_at(doc, "message");
    if (!message.empty()) return message;
  }
  std::string trimmed = body;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  return trimmed;
}

std::string demux_log_stream(std::string_view raw) {
  auto looks_like_header = [](std::string_view at) {
    return at.size() >= 8 && static_cast<unsigned char>(at[0]) <= 2 && at[1] == 0 && at[2] == 0 &&
           at[3] == 0;
  };
  if (!raw.empty() && !looks_like_header(raw)) return std::string(raw);
  std::string out;
  size_t pos = 0;
  while (pos + 8 <= raw.size() && looks_like_header(raw.substr(pos))) {
    const auto byte = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<unsigned char>(raw[pos + i]));
    };
    const uint32_t length = (byte(4) << 24) | (byte(5) << 16) | (byte(6) << 8) | byte(7);
    const unsigned stream = byte(0);
    pos += 8;
    const size_t available = std::min<size_t>(length, raw.size() - pos);
    if (stream == 1 || stream == 2) out.append(raw.substr(pos, available));
    pos += available;
  }
  return out;
}

Result<std::string> socket_path_from_docker_host(const char* docker_host) {
  if (docker_host == nullptr || *docker_host == '\0') return std::string("/var/run/docker.sock");
  std::string_view value(docker_host);
  constexpr std::string_view kUnix = "unix://";
  if (value.substr(0, kUnix.size()) != kUnix || value.size() == kUnix.size()) {
    return make_error(
        ErrorKind::Invalid,
        "DOCKER_HOST={}: velo talks to a local engine only; use unix:///path/to/docker.sock",
        docker_host);
  }
  return std::string(value.substr(kUnix.size()));
}

std::string url_encode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

Result<UidGid> parse_id_output(const std::string& output) {
  auto number_after = [&](const std::string& key) -> std::optional<long> {
    size_t at = output.find(key);
    if (at == std::string::npos) return std::nullopt;
    const char* start = output.c_str() + at + key.size();
    char* end = nullptr;
    long value = std::strtol(start, &end, 10);
    if (end == start || value < 0) return std::nullopt;
    return value;
  };
  auto uid = number_after("uid=");
  auto gid = number_after("gid=");
  if (!uid || !gid) {
    return make_error(ErrorKind::Io, "cannot read the postgres user's ids from `id postgres`: {}",
                      last_lines(output, 1));
  }
  return UidGid{static_cast<uid_t>(*uid), static_cast<gid_t>(*gid)};
}

std::string last_lines(const std::string& text, int lines) {
  if (lines <= 0) return "";
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  int seen = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++seen == lines) break;
    --pos;
  }
  return text.substr(pos, end - pos);
}

}  // namespace velo::runtime
