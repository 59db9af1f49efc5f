// LSNs (--lsn) and the WAL file names velo reads from archives: what parses
// prints back to the same value.
#include "core/history/wal_position.h"
#include "fuzz_check.h"

using namespace velo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  auto lsn = core::parse_lsn(text);
  fuzz::require_clean_refusal(lsn);
  if (lsn.ok()) {
    auto again = core::parse_lsn(core::format_lsn(lsn.value()));
    fuzz::require(again.ok() && again.value() == lsn.value());
  }
  auto file = core::parse_wal_file_name(text);
  if (file && file->segno) {
    auto again = core::parse_wal_file_name(core::segment_file_name(file->timeline, *file->segno));
    fuzz::require(again && again->timeline == file->timeline && again->segno == file->segno);
  }
  return 0;
}
