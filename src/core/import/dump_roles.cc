#include "core/import/dump_roles.h"

#include <cctype>
#include <optional>

namespace velo::core {
namespace {

bool word_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

bool tag_char(char c, bool first) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80 || (!first && std::isdigit(u));
}

// Statements whose first word may make them name a role.
bool may_name_roles(const std::string& word) {
  return word == "alter" || word == "grant" || word == "revoke" || word == "set" ||
         word == "create" || word == "copy";
}

}  // namespace

void DumpRoleScanner::feed(std::string_view text) {
  for (char c : text) step(c);
}

std::vector<std::string> DumpRoleScanner::roles() const {
  std::vector<std::string> out;
  for (const auto& name : named_) {
    if (created_.count(name) == 0) out.push_back(name);
  }
  return out;
}

void DumpRoleScanner::step(char c) {
  switch (mode_) {
    case Mode::Normal:
      return normal(c);
    case Mode::Word:
      if (c == '\'' && (text_ == "e" || text_ == "E")) {  // E'...': backslash escapes
        text_.clear();
        mode_ = Mode::EscapeQuote;
        return;
      }
      if (word_char(c)) {
        text_ += c;
        return;
      }
      end_word();
      return normal(c);
    case Mode::DollarTag:
      if (c == '$') {
        tag_ = "$" + text_ + "$";
        text_.clear();
        mode_ = Mode::Dollar;
        return;
      }
      if (tag_char(c, text_.empty())) {
        text_ += c;
        return;
      }
      // Not a dollar quote ($1, or a lone $).
      add(Kind::Punct, "$" + text_);
      text_.clear();
      mode_ = Mode::Normal;
      return normal(c);
    case Mode::Dollar:
      // Only the tail matters: the body names no role.
      text_ += c;
      if (text_.size() > tag_.size()) text_.erase(0, text_.size() - tag_.size());
      if (text_ == tag_) {
        text_.clear();
        add(Kind::String, "");
        mode_ = Mode::Normal;
      }
      return;
    case Mode::Quote:
    case Mode::EscapeQuote:
    case Mode::Identifier:
      return quoted(c);
    case Mode::BlockComment:
      return block_comment(c);
    case Mode::LineComment:
    case Mode::MetaCommand:
      if (c == '\n') mode_ = Mode::Normal;
      return;
    case Mode::CopyLineRest:
      if (c == '\n') {
        text_.clear();
        mode_ = Mode::CopyData;
      }
      return;
    case Mode::CopyData:
      // Data lines until one that is "\." (a longer line is data).
      if (c == '\n') {
        if (text_ == "\\." || text_ == "\\.\r") mode_ = Mode::Normal;
        text_.clear();
      } else if (text_.size() < 4) {
        text_ += c;
      }
      return;
  }
}

// Inside '...', E'...' or "...": a doubled quote is the quote itself, a
// backslash escapes in E'...'.
void DumpRoleScanner::quoted(char c) {
  const char quote = mode_ == Mode::Identifier ? '"' : '\'';
  if (pending_ == '\\') {
    pending_ = 0;
    text_ += c;
    return;
  }
  if (pending_ == quote) {
    pending_ = 0;
    if (c == quote) {  // doubled: the quote itself
      text_ += c;
      return;
    }
    add(mode_ == Mode::Identifier ? Kind::Identifier : Kind::String, text_);
    text_.clear();
    mode_ = Mode::Normal;
    return normal(c);
  }
  if (c == quote || (c == '\\' && mode_ == Mode::EscapeQuote)) {
    pending_ = c;
    return;
  }
  text_ += c;
}

// Block comments nest: /* /* */ */.
void DumpRoleScanner::block_comment(char c) {
  if (pending_ == '*' && c == '/') {
    pending_ = 0;
    if (--comment_depth_ == 0) mode_ = Mode::Normal;
    return;
  }
  if (pending_ == '/' && c == '*') {
    pending_ = 0;
    ++comment_depth_;
    return;
  }
  pending_ = (c == '*' || c == '/') ? c : '\0';
}

void DumpRoleScanner::normal(char c) {
  if (pending_ == '-' || pending_ == '/') {
    const char first = pending_;
    pending_ = 0;
    if (first == '-' && c == '-') {
      mode_ = Mode::LineComment;
      return;
    }
    if (first == '/' && c == '*') {
      mode_ = Mode::BlockComment;
      comment_depth_ = 1;
      return;
    }
    add(Kind::Punct, std::string(1, first));
  }
  if (std::isspace(static_cast<unsigned char>(c))) return;
  switch (c) {
    case '-':
    case '/':
      pending_ = c;
      return;
    case '\'':
      mode_ = Mode::Quote;
      return;
    case '"':
      mode_ = Mode::Identifier;
      return;
    case '$':
      mode_ = Mode::DollarTag;
      return;
    case ';':
      return end_statement();
    case '\\':
      // psql's \connect, \restrict...: at the start of a statement only.
      if (count_ == 0) {
        mode_ = Mode::MetaCommand;
        return;
      }
      break;
    default:
      if (word_char(c)) {
        mode_ = Mode::Word;
        text_ = c;
        return;
      }
  }
  add(Kind::Punct, std::string(1, c));
}

void DumpRoleScanner::end_word() {
  // Unquoted names fold to lower case, as the server folds them.
  for (char& c : text_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  add(Kind::Word, text_);
  text_.clear();
  mode_ = Mode::Normal;
}

void DumpRoleScanner::add(Kind kind, std::string text) {
  if (count_++ == 0) keep_ = kind == Kind::Word && may_name_roles(text);
  if (keep_) tokens_.push_back(Token{kind, std::move(text)});
}

void DumpRoleScanner::end_statement() {
  if (keep_ && !tokens_.empty()) {
    collect(tokens_);
    const size_t n = tokens_.size();
    // COPY ... FROM stdin: the data follows, from the next line on.
    if (tokens_[0].text == "copy" && n >= 2 && tokens_[n - 2].kind == Kind::Word &&
        tokens_[n - 2].text == "from" && tokens_[n - 1].text == "stdin") {
      mode_ = Mode::CopyLineRest;
    }
  }
  tokens_.clear();
  count_ = 0;
  keep_ = true;
}

// pg_dump writes one statement per object; these are the ones that name
// a role, and where (keywords are unquoted words, names may be quoted).
void DumpRoleScanner::collect(const std::vector<Token>& t) {
  const size_t n = t.size();
  auto is = [&](size_t i, std::string_view word) {
    return i < n && t[i].kind == Kind::Word && t[i].text == word;
  };
  auto find = [&](size_t from, std::string_view word) {
    while (from < n && !is(from, word)) ++from;
    return from;
  };
  auto role_at = [&](size_t i) -> std::optional<std::string> {
    if (i >= n || t[i].kind == Kind::Punct) return std::nullopt;
    if (t[i].kind == Kind::Word) {
      for (const char* keyword :
           {"public", "current_user", "session_user", "current_role", "none", "default"}) {
        if (t[i].text == keyword) return std::nullopt;
      }
    }
    return t[i].text;
  };
  auto name = [&](size_t i) {
    if (auto role = role_at(i)) named_.insert(*role);
  };
  // "[GROUP] a, b, ..." from i; returns the index after the list.
  auto list = [&](size_t i) {
    while (i < n) {
      if (is(i, "group")) ++i;
      name(i++);
      if (i >= n || t[i].text != "," || t[i].kind != Kind::Punct) break;
      ++i;
    }
    return i;
  };

  const std::string& first = t[0].text;
  if (first == "alter" && is(1, "default") && is(2, "privileges")) {
    size_t f = find(3, "for");
    if (is(f + 1, "role") || is(f + 1, "user")) list(f + 2);
    if (size_t g = find(3, "grant"); g < n) list(find(g, "to") + 1);
    if (size_t r = find(3, "revoke"); r < n) list(find(r, "from") + 1);
  } else if (first == "alter") {
    for (size_t i = 1; i + 2 < n; ++i) {
      if (is(i, "owner") && is(i + 1, "to")) name(i + 2);
    }
  } else if (first == "grant" || first == "revoke") {
    size_t k = find(1, first == "grant" ? "to" : "from");
    if (k == n) return;
    // GRANT a TO b (no ON): a role membership, a is a role too.
    if (find(1, "on") > k) list(is(2, "option") && is(3, "for") ? 4 : 1);
    size_t end = list(k + 1);
    size_t by = find(end, "granted");
    if (is(by + 1, "by")) name(by + 2);
  } else if (first == "set") {
    if (is(1, "session") && is(2, "authorization")) name(3);
    if (is(1, "role")) name(2);
  } else if (first == "create") {
    if ((is(1, "role") || is(1, "user") || is(1, "group")) && !is(2, "mapping")) {
      if (auto role = role_at(2)) created_.insert(*role);
    } else if (is(1, "user") && is(2, "mapping")) {
      name(find(3, "for") + 1);
    } else if (is(1, "policy")) {
      list(find(2, "to") + 1);
    } else if (is(1, "schema")) {
      name(find(2, "authorization") + 1);
    }
  }
}

std::vector<std::string> roles_named_in_sql(std::string_view sql) {
  DumpRoleScanner scanner;
  scanner.feed(sql);
  scanner.feed("\n");
  return scanner.roles();
}

}  // namespace velo::core
