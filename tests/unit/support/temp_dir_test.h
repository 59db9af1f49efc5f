// A unit-test fixture with a fresh directory of its own (dir_), removed
// again after the test; make_temp_dir() for fixtures of their own.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "util/fs.h"

namespace velo::testing {

// A fresh directory named velo-<name>-XXXXXX, on tmpfs (/dev/shm) when
// there is one: the code under test fsyncs, and a disk's fsyncs would
// make the unit binary slow. "" when none can be made.
inline std::string make_temp_dir(const std::string& name) {
  for (const char* base : {"/dev/shm", "/tmp"}) {
    std::string pattern = std::string(base) + "/velo-" + name + "-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) return pattern;
  }
  return "";
}

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("unit");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    if (!dir_.empty()) {
      EXPECT_TRUE(remove_tree(dir_).ok());
    }
  }

  std::string dir_;
};

}  // namespace velo::testing
