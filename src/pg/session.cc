#include "pg/session.h"

#include <utility>

namespace velo::pg {
namespace {

// One statement at a time, when its rows are asked for.
class StatementByStatement : public Pipeline {
 public:
  StatementByStatement(Session& session, std::vector<std::string> statements)
      : session_(session), statements_(std::move(statements)) {}

  Result<std::vector<Row>> next() override {
    if (next_ >= statements_.size()) {
      return make_error(ErrorKind::Io, "no statement left in the pipeline");
    }
    return session_.query(statements_[next_++]);
  }

 private:
  Session& session_;
  std::vector<std::string> statements_;
  size_t next_ = 0;
};

}  // namespace

Result<std::unique_ptr<Pipeline>> Session::pipeline(std::vector<std::string> statements) {
  return std::unique_ptr<Pipeline>(
      std::make_unique<StatementByStatement>(*this, std::move(statements)));
}

}  // namespace velo::pg
