#include "core/merge/schema_cache.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>

#include "diff/schema_json.h"
#include "util/fs.h"
#include "util/version.h"

namespace velo::core {
namespace {

constexpr const char* kSuffix = ".json";

std::string cache_dir(const Context& ctx) { return ctx.home + "/cache/schemas"; }

std::string cache_path(const Context& ctx, const std::string& volume, const std::string& snapshot) {
  // Volume and snapshot names are velo's own (letters, digits, . _ -).
  return cache_dir(ctx) + "/" + volume + "@" + snapshot + kSuffix;
}

// Another reader may read other kinds or spell definitions differently:
// its entries are not this one's.
std::string reader_stamp() { return velo_version() + " " + velo_commit(); }

}  // namespace

std::optional<diff::ClusterSchema> cached_schema(const Context& ctx, const std::string& volume,
                                                 const std::string& snapshot) {
  auto text = read_file(cache_path(ctx, volume, snapshot));
  if (!text.ok()) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || json.value("reader", "") != reader_stamp() ||
      !json.contains("schema")) {
    return std::nullopt;
  }
  auto schema = diff::schema_from_json(json["schema"]);
  if (!schema.ok()) return std::nullopt;
  return std::move(*schema);
}

void cache_schema(const Context& ctx, const std::string& volume, const std::string& snapshot,
                  const diff::ClusterSchema& schema) {
  if (!make_dirs(cache_dir(ctx), 0700).ok()) return;
  nlohmann::json json = nlohmann::json::object();
  json["reader"] = reader_stamp();
  json["schema"] = diff::schema_to_json(schema);
  // A cache: an entry a crash leaves torn or empty fails to parse, and is
  // read again from a scratch server, so it is not worth two fsyncs.
  (void)write_file_replace(cache_path(ctx, volume, snapshot), json.dump(), 0600);
}

Status prune_schema_cache(Context& ctx) {
  std::set<std::string> live;
  VELO_ASSIGN_OR_RETURN(auto snapshots, ctx.store.snapshots());
  for (const auto& s : snapshots) live.insert(s.volume + "@" + s.name);
  VELO_ASSIGN_OR_RETURN(auto retired, ctx.store.retired());
  for (const auto& r : retired) live.insert(r.volume + "@" + r.snapshot);
  VELO_ASSIGN_OR_RETURN(auto branches, ctx.store.branches());
  for (const auto& b : branches) live.insert(b.parent_volume + "@" + b.base_snapshot);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(cache_dir(ctx), error)) {
    std::string name = entry.path().filename().string();
    const size_t suffix = std::string_view(kSuffix).size();
    std::string key = name.size() > suffix ? name.substr(0, name.size() - suffix) : name;
    if (live.count(key) != 0) continue;
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
  }
  return Status::Ok();
}

}  // namespace velo::core
