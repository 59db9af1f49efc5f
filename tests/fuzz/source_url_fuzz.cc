// Source URLs (project create --from): refusals never echo a password,
// redaction removes it, and conninfo quoting reads back as the same value.
#include <libpq-fe.h>

#include "fuzz_check.h"
#include "pg/source_url.h"

using namespace velo;

namespace {

// What libpq reads back from `key=<quoted value>`.
std::string conninfo_round_trip(const std::string& value) {
  std::string conninfo = "password=" + pg::quote_conninfo_value(value);
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  std::string out = "<refused>";
  for (auto* o = options; o && o->keyword; ++o) {
    if (std::string(o->keyword) == "password" && o->val) out = o->val;
  }
  PQconninfoFree(options);
  PQfreemem(error);
  return out;
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = fuzz::as_text(data, size);
  if (text.find('\0') != std::string::npos) return 0;  // argv cannot hold one
  auto url = pg::parse_source_url(text);
  fuzz::require_clean_refusal(url);
  if (url.ok()) {
    const std::string& password = url.value().params.password;
    // A password that appears once, literally, is the URL's: redaction
    // must remove it (a short one may also be part of the host or user).
    // One with a '*' can form again from redaction's own "***" and what
    // stands beside it ("ce:***" from user "alice" and "ce:***").
    if (password.size() >= 6 && occurrences(text, password) == 1 &&
        password.find('*') == std::string::npos) {
      fuzz::require(pg::redact_url(text).find(password) == std::string::npos);
    }
  }
  fuzz::require(conninfo_round_trip(text) == text);
  return 0;
}
