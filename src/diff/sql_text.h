// Small SQL text helpers for the DDL the kinds write: quoting with the
// server's rules, lists, statements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diff/plan.h"

namespace velo::diff {

// quote_ident(): as is when lower case letters, digits, _ and $ (not first)
// and not a reserved word; else in double quotes, inner quotes doubled.
std::string quote_ident(std::string_view name);
// quote_literal(): single quotes, inner quotes doubled; E'' for backslashes.
std::string quote_literal(std::string_view text);

// Splits on `separator` ("" gives no items).
std::vector<std::string> split(const std::string& text, char separator);
std::string join(const std::vector<std::string>& items, std::string_view separator);

// One transactional statement without hazards.
Statement sql(std::string text);

// "TABLE public.t" for "VIEW public.t": GRANT names every relation TABLE
// (but sequences SEQUENCE).
std::string grant_target(const std::string& sql_name);

}  // namespace velo::diff
