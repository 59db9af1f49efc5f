#include "core/history/wal_position.h"

#include <fmt/format.h>

#include <cctype>

namespace velo::core {
namespace {

constexpr uint64_t kSegmentsPerId = 0x100000000ull / kWalSegmentBytes;

bool all_hex(const std::string& text, size_t from, size_t count) {
  if (from + count > text.size()) return false;
  for (size_t i = from; i < from + count; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

uint64_t hex_value(const std::string& text, size_t from, size_t count) {
  return std::stoull(text.substr(from, count), nullptr, 16);
}

}  // namespace

Result<Lsn> parse_lsn(const std::string& text) {
  size_t slash = text.find('/');
  bool ok = slash != std::string::npos && slash >= 1 && slash <= 8 &&
            text.size() - slash - 1 >= 1 && text.size() - slash - 1 <= 8 &&
            all_hex(text, 0, slash) && all_hex(text, slash + 1, text.size() - slash - 1);
  if (!ok) {
    return make_error(ErrorKind::Invalid, "'{}' is not a WAL position (expected e.g. 0/3000148)",
                      text);
  }
  return (hex_value(text, 0, slash) << 32) | hex_value(text, slash + 1, text.size() - slash - 1);
}

std::string format_lsn(Lsn lsn) { return fmt::format("{:X}/{:X}", lsn >> 32, lsn & 0xFFFFFFFFull); }

std::optional<WalFileName> parse_wal_file_name(const std::string& name) {
  WalFileName out;
  if (name.size() == 16 && all_hex(name, 0, 8) && name.substr(8) == ".history") {
    out.timeline = static_cast<uint32_t>(hex_value(name, 0, 8));
    out.suffix = ".history";
    return out;
  }
  if (name.size() < 24 || !all_hex(name, 0, 24)) return std::nullopt;
  std::string suffix = name.substr(24);
  if (!suffix.empty() && suffix != ".partial") {
    // A backup history file: 000000010000000000000002.00000028.backup
    bool backup = suffix.size() == 16 && suffix[0] == '.' && all_hex(suffix, 1, 8) &&
                  suffix.substr(9) == ".backup";
    if (!backup) return std::nullopt;
    suffix = ".backup";
  }
  // With 16 MiB segments the last part counts 00..FF: anything larger is
  // no file of velo's clusters, and would alias another segment's number.
  if (hex_value(name, 16, 8) >= kSegmentsPerId) return std::nullopt;
  out.timeline = static_cast<uint32_t>(hex_value(name, 0, 8));
  out.segno = hex_value(name, 8, 8) * kSegmentsPerId + hex_value(name, 16, 8);
  out.suffix = suffix;
  return out;
}

std::string segment_file_name(uint32_t timeline, uint64_t segno) {
  return fmt::format("{:08X}{:08X}{:08X}", timeline, segno / kSegmentsPerId,
                     segno % kSegmentsPerId);
}

}  // namespace velo::core
