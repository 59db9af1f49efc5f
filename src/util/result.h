// Errors as values: every layer below core/ returns Result<T> or Status.
// One Error carries a Kind (which decides the exit code at the top) and a
// message meant for the user.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>

namespace velo {

enum class ErrorKind {
  Invalid,      // bad user input: exit 2
  NotFound,     // unknown project, branch, snapshot: exit 2
  Conflict,     // exists already, has children, in use: exit 2
  Busy,         // another velo holds a lock: exit 1
  Timeout,      // a server did not become ready in time: exit 1
  Unavailable,  // a tool, engine or filesystem is missing: exit 1
  Io,           // a system call or external command failed: exit 1
  Interrupted,  // SIGINT or SIGTERM: exit 128 + the signal (util/interrupt.h)
  ChildExit,    // a program run in velo's place (velo psql) failed: its exit code, no message
  Declined,     // the user answered no when asked to confirm: exit 1, nothing changed
};

struct Error {
  ErrorKind kind = ErrorKind::Io;
  std::string message;
  int exit_code = 0;  // ChildExit only
};

template <typename... Args>
Error make_error(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  return Error{kind, fmt::format(format, std::forward<Args>(args)...)};
}

// A value or an Error. Deliberately small: has_value, value, error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}
  static Status Ok() { return Status(); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace velo

// Propagate a failed Status or Result from the enclosing function. auto&&:
// an lvalue is looked at in place, not copied.
#define VELO_TRY(expr)                                           \
  do {                                                           \
    auto&& velo_try_result_ = (expr);                            \
    if (!velo_try_result_.ok()) return velo_try_result_.error(); \
  } while (0)

#define VELO_CONCAT_INNER(a, b) a##b
#define VELO_CONCAT(a, b) VELO_CONCAT_INNER(a, b)
// Declare `lhs` from a Result's value, or propagate its error.
// `lhs` is a declaration ("auto x") and `tmp` a generated name: neither can
// take the parentheses that bugprone-macro-parentheses asks for.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define VELO_ASSIGN_OR_RETURN(lhs, expr) \
  VELO_ASSIGN_OR_RETURN_IMPL(VELO_CONCAT(velo_result_, __LINE__), lhs, expr)
#define VELO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.error();               \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
