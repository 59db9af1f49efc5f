// The roles a pg_dump SQL script names, found without running it, so an
// import can create the missing ones before the restore needs them:
// owners (ALTER ... OWNER TO), grantees and grantors (GRANT ... TO,
// REVOKE ... FROM, GRANTED BY, SET SESSION AUTHORIZATION, ALTER DEFAULT
// PRIVILEGES FOR ROLE), policy roles (CREATE POLICY ... TO), user
// mappings and CREATE SCHEMA ... AUTHORIZATION.
//
// The script is lexed as the server reads it (quoted identifiers, string
// literals, dollar quotes, comments), COPY data and psql meta-commands
// are skipped, so a role name inside table data or a function body is
// not taken for one. Fed in chunks: a plain dump need not fit in memory.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace velo::core {

class DumpRoleScanner {
 public:
  void feed(std::string_view text);
  // Roles the script names and does not create itself (CREATE ROLE, as
  // in pg_dumpall output), sorted. PUBLIC, CURRENT_USER and the like are
  // not roles.
  std::vector<std::string> roles() const;

 private:
  enum class Mode {
    Normal,
    Word,
    DollarTag,
    Dollar,
    Quote,
    EscapeQuote,
    Identifier,
    LineComment,
    BlockComment,
    MetaCommand,
    CopyLineRest,
    CopyData
  };
  enum class Kind { Word, Identifier, String, Punct };
  struct Token {
    Kind kind;
    std::string text;  // words lowercased; identifiers and strings unquoted
  };

  void step(char c);
  void quoted(char c);
  void block_comment(char c);
  void normal(char c);
  void end_word();
  void add(Kind kind, std::string text);
  void end_statement();
  void collect(const std::vector<Token>& t);

  Mode mode_ = Mode::Normal;
  std::string text_;       // the word, tag, quoted text or copy line at hand
  std::string tag_;        // a dollar quote's $tag$
  char pending_ = 0;       // a '-', '/', '*', '\\' or quote waiting for the next char
  int comment_depth_ = 0;  // block comments nest
  int count_ = 0;          // tokens in the statement so far
  bool keep_ = true;       // the statement may name roles: keep its tokens
  std::vector<Token> tokens_;
  std::set<std::string> named_;
  std::set<std::string> created_;
};

// The whole script at once (tests, small dumps).
std::vector<std::string> roles_named_in_sql(std::string_view sql);

}  // namespace velo::core
