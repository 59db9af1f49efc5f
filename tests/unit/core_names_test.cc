#include <gtest/gtest.h>

#include <vector>

#include "core/config.h"
#include "core/names.h"
#include "core/undo.h"

namespace velo::core {
namespace {

TEST(Names, AcceptsTheDocumentedAlphabet) {
  EXPECT_TRUE(validate_name("branch", "a").ok());
  EXPECT_TRUE(validate_name("branch", "api-v2_test").ok());
  EXPECT_TRUE(validate_name("branch", "0abc").ok());
  EXPECT_TRUE(validate_name("branch", std::string(63, 'a')).ok());
}

TEST(Names, RefusesEverythingElse) {
  for (const std::string& bad :
       std::vector<std::string>{"", "A", "a b", "a'b", "a\"b", "..", "a/b", "-a", "_a", "a;rm",
                                "a$b", "a`b`", "ä", std::string(64, 'a')}) {
    Status status = validate_name("branch", bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().kind, ErrorKind::Invalid);
  }
}

TEST(Names, ParsesProjectSlashBranch) {
  auto name = parse_branch_name("api/dev");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->project, "api");
  EXPECT_EQ(name->branch, "dev");
  EXPECT_FALSE(parse_branch_name("api").ok());
  EXPECT_FALSE(parse_branch_name("api/dev/x").ok());
  EXPECT_FALSE(parse_branch_name("/dev").ok());
  EXPECT_FALSE(parse_branch_name("api/").ok());
}

TEST(PortRange, ParsesAndValidates) {
  Config config;
  ASSERT_TRUE(parse_port_range("7000-7100", config).ok());
  EXPECT_EQ(config.port_min, 7000);
  EXPECT_EQ(config.port_max, 7100);
  EXPECT_FALSE(parse_port_range("7100-7000", config).ok());
  EXPECT_FALSE(parse_port_range("80-90", config).ok());
  EXPECT_FALSE(parse_port_range("abc", config).ok());
  EXPECT_FALSE(parse_port_range("7000-70000", config).ok());
}

TEST(Undo, RunsInReverseUnlessCommitted) {
  std::string order;
  {
    UndoStack undo;
    undo.push("a", [&] {
      order += "a";
      return Status::Ok();
    });
    undo.push("b", [&] {
      order += "b";
      return Status::Ok();
    });
  }
  EXPECT_EQ(order, "ba");
  {
    UndoStack undo;
    undo.push("c", [&] {
      order += "c";
      return Status::Ok();
    });
    undo.commit();
  }
  EXPECT_EQ(order, "ba");
}

}  // namespace
}  // namespace velo::core
