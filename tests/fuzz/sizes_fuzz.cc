// Sizes (init --size) and port ranges (init --ports).
#include "core/config.h"
#include "fuzz_check.h"
#include "storage/image_pool.h"

using namespace velo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  auto bytes = storage::parse_size(text);
  fuzz::require_clean_refusal(bytes);
  if (bytes.ok()) fuzz::require(bytes.value() > 0);
  core::Config config;
  Status ports = core::parse_port_range(text, config);
  fuzz::require_clean_refusal(ports);
  if (ports.ok()) {
    fuzz::require(config.port_min >= 1 && config.port_min <= config.port_max &&
                  config.port_max <= 65535);
  }
  return 0;
}
