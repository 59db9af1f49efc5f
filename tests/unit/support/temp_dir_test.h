// A unit-test fixture with a fresh directory of its own under /tmp (dir_),
// removed again after the test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "util/fs.h"

namespace velo::testing {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/velo-unit-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      EXPECT_TRUE(remove_tree(dir_).ok());
    }
  }

  std::string dir_;
};

}  // namespace velo::testing
