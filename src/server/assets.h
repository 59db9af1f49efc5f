// The files velo serve hands out without a token: the web console (web/)
// and the OpenAPI document (src/server/openapi.json), compiled into the
// binary by cmake/embed.cmake. VELO_CONSOLE_DIR=DIR serves the console
// from DIR instead, for working on it without a rebuild.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace velo::server {

struct EmbeddedAsset {
  std::string_view name;  // "index.html", "app.js", "openapi.json"
  std::string_view body;
};

const std::vector<EmbeddedAsset>& embedded_assets();

struct Asset {
  std::string body;
  std::string content_type;
};

// The asset called `name` (no directories), from VELO_CONSOLE_DIR if set.
std::optional<Asset> find_asset(const std::string& name);

}  // namespace velo::server
