// What every fuzz target checks besides "no crash, no sanitizer report":
// bad input is refused as Invalid (exit 2) with a message. Messages may
// quote the input as typed; the CLI prints Invalid ones through
// core::printable, which keeps them one line.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/result.h"

namespace velo::fuzz {

inline std::string as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// abort() makes libFuzzer save the input as a crash.
inline void require(bool condition) {
  if (!condition) std::abort();
}

inline bool one_printable_line(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// For what another program sent (the Docker Engine): unreadable is that
// program's fault (Io, exit 1), but still an error with a message.
template <typename T>
void require_message(const Result<T>& result) {
  if (!result.ok()) require(!result.error().message.empty());
}

inline void require_clean_refusal(const Error& error) {
  require(error.kind == ErrorKind::Invalid && !error.message.empty());
}

template <typename T>
void require_clean_refusal(const Result<T>& result) {
  if (!result.ok()) require_clean_refusal(result.error());
}

inline void require_clean_refusal(const Status& status) {
  if (!status.ok()) require_clean_refusal(status.error());
}

}  // namespace velo::fuzz
