#include "diff/sql_text.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace velo::diff {
namespace {

// Reserved key words (PostgreSQL's "reserved" and "reserved (can be function
// or type)" categories), which quote_ident quotes.
constexpr std::string_view kReserved[] = {"all",
                                          "analyse",
                                          "analyze",
                                          "and",
                                          "any",
                                          "array",
                                          "as",
                                          "asc",
                                          "asymmetric",
                                          "authorization",
                                          "binary",
                                          "both",
                                          "case",
                                          "cast",
                                          "check",
                                          "collate",
                                          "collation",
                                          "column",
                                          "concurrently",
                                          "constraint",
                                          "create",
                                          "cross",
                                          "current_catalog",
                                          "current_date",
                                          "current_role",
                                          "current_schema",
                                          "current_time",
                                          "current_timestamp",
                                          "current_user",
                                          "default",
                                          "deferrable",
                                          "desc",
                                          "distinct",
                                          "do",
                                          "else",
                                          "end",
                                          "except",
                                          "false",
                                          "fetch",
                                          "for",
                                          "foreign",
                                          "freeze",
                                          "from",
                                          "full",
                                          "grant",
                                          "group",
                                          "having",
                                          "ilike",
                                          "in",
                                          "initially",
                                          "inner",
                                          "intersect",
                                          "into",
                                          "is",
                                          "isnull",
                                          "join",
                                          "lateral",
                                          "leading",
                                          "left",
                                          "like",
                                          "limit",
                                          "localtime",
                                          "localtimestamp",
                                          "natural",
                                          "not",
                                          "notnull",
                                          "null",
                                          "offset",
                                          "on",
                                          "only",
                                          "or",
                                          "order",
                                          "outer",
                                          "overlaps",
                                          "placing",
                                          "primary",
                                          "references",
                                          "returning",
                                          "right",
                                          "select",
                                          "session_user",
                                          "similar",
                                          "some",
                                          "symmetric",
                                          "system_user",
                                          "table",
                                          "tablesample",
                                          "then",
                                          "to",
                                          "trailing",
                                          "true",
                                          "union",
                                          "unique",
                                          "user",
                                          "using",
                                          "variadic",
                                          "verbose",
                                          "when",
                                          "where",
                                          "window",
                                          "with"};

bool plain_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '$') {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;
  }
  return std::find(std::begin(kReserved), std::end(kReserved), name) == std::end(kReserved);
}

}  // namespace

std::string quote_ident(std::string_view name) {
  if (plain_identifier(name)) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string quote_literal(std::string_view text) {
  std::string quoted;
  bool backslash = false;
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    if (c == '\\') {
      quoted += '\\';
      backslash = true;
    }
    quoted += c;
  }
  return (backslash ? "E'" : "'") + quoted + "'";
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    items.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += separator;
    text += items[i];
  }
  return text;
}

Statement sql(std::string text) {
  Statement statement;
  statement.sql = std::move(text);
  return statement;
}

std::string grant_target(const std::string& sql_name) {
  for (std::string_view prefix : {"VIEW ", "MATERIALIZED VIEW ", "FOREIGN TABLE "}) {
    if (sql_name.rfind(prefix, 0) == 0) return "TABLE " + sql_name.substr(prefix.size());
  }
  return sql_name;
}

}  // namespace velo::diff
