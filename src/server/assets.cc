#include "server/assets.h"

#include <cstdlib>

#include "util/fs.h"

namespace velo::server {
namespace {

std::string content_type(const std::string& name) {
  auto ends_with = [&](const char* suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js") || ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

}  // namespace

std::optional<Asset> find_asset(const std::string& name) {
  // One name from the table; never a path that climbs out of it.
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) {
    return std::nullopt;
  }
  const char* dir = std::getenv("VELO_CONSOLE_DIR");
  if (dir != nullptr && *dir != '\0' && name != "openapi.json") {
    auto body = read_file(std::string(dir) + "/" + name);
    if (!body.ok()) return std::nullopt;
    return Asset{*body, content_type(name)};
  }
  for (const auto& asset : embedded_assets()) {
    if (asset.name == name) return Asset{std::string(asset.body), content_type(name)};
  }
  return std::nullopt;
}

}  // namespace velo::server
