// Project and branch names become parts of dataset, directory and
// container names: whatever parses must be exactly the input, and made of
// the allowed characters only.
#include "core/names.h"
#include "fuzz_check.h"

using namespace velo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  fuzz::require(fuzz::one_printable_line(core::printable(text)));
  fuzz::require_clean_refusal(core::validate_name("branch", text));
  auto name = core::parse_branch_name(text);
  fuzz::require_clean_refusal(name);
  if (name.ok()) {
    fuzz::require(name.value().full() == text);
    for (char c : name.value().project + name.value().branch) {
      bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      fuzz::require(allowed);
    }
  }
  return 0;
}
