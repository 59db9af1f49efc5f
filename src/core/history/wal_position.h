// WAL positions (LSNs) and WAL file names, as PostgreSQL prints them.
// velo's clusters use the default 16 MiB segments (initdb without
// --wal-segsize), which the segment arithmetic here assumes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/result.h"

namespace velo::core {

using Lsn = uint64_t;
constexpr uint64_t kWalSegmentBytes = 16ull << 20;

// "16/B374D848" <-> 0x16B374D848. Invalid for anything else.
Result<Lsn> parse_lsn(const std::string& text);
std::string format_lsn(Lsn lsn);

// The number of the segment holding `lsn` (as pg_walfile_name counts, but
// without its "a segment boundary belongs to the previous file" rule).
inline uint64_t segment_of(Lsn lsn) { return lsn / kWalSegmentBytes; }

// A file of a WAL archive: "000000010000000A000000FF" is timeline 1,
// segment 0xAFF; ".partial" and ".backup" suffixes keep their segment;
// "00000002.history" is a timeline history file (segno unset).
struct WalFileName {
  uint32_t timeline = 0;
  std::optional<uint64_t> segno;
  std::string suffix;  // "" | ".partial" | ".backup" | ".history"
};

std::optional<WalFileName> parse_wal_file_name(const std::string& name);
std::string segment_file_name(uint32_t timeline, uint64_t segno);

}  // namespace velo::core
