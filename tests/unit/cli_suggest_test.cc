// edit_distance and nearest_name: the "did you mean" of unknown commands.
#include <gtest/gtest.h>

#include "cli/suggest.h"

namespace velo::cli {
namespace {

TEST(EditDistanceTest, CountsEachKindOfEditOnce) {
  EXPECT_EQ(edit_distance("branch", "branch"), 0u);
  EXPECT_EQ(edit_distance("brnach", "branch"), 1u);  // a swap
  EXPECT_EQ(edit_distance("lst", "list"), 1u);       // an insertion
  EXPECT_EQ(edit_distance("lisst", "list"), 1u);     // a deletion
  EXPECT_EQ(edit_distance("lost", "list"), 1u);      // a replacement
  EXPECT_EQ(edit_distance("", "gc"), 2u);
  EXPECT_EQ(edit_distance("frobnicate", "branch"), 7u);
}

const std::vector<std::string> kTop = {"init",   "project", "branch",   "status",
                                       "doctor", "gc",      "snapshot", "wal"};

TEST(NearestNameTest, SuggestsTheNearestTypo) {
  EXPECT_EQ(nearest_name("brnach", kTop), "branch");
  EXPECT_EQ(nearest_name("brach", kTop), "branch");
  EXPECT_EQ(nearest_name("stauts", kTop), "status");
  EXPECT_EQ(nearest_name("snapshto", kTop), "snapshot");
  EXPECT_EQ(nearest_name("projcet", kTop), "project");
  EXPECT_EQ(nearest_name("lst", {"create", "list", "show"}), "list");
}

TEST(NearestNameTest, NothingWhenNoNameIsClose) {
  EXPECT_EQ(nearest_name("frobnicate", kTop), std::nullopt);
  EXPECT_EQ(nearest_name("xyz", kTop), std::nullopt);
  // Two edits in a short word make another word, not a typo.
  EXPECT_EQ(nearest_name("xy", kTop), std::nullopt);
  EXPECT_EQ(nearest_name("lxst", {}), std::nullopt);
  // At most two edits, however long the word.
  EXPECT_EQ(nearest_name("snpshtt", kTop), "snapshot");
  EXPECT_EQ(nearest_name("snapsxxx", kTop), std::nullopt);
}

TEST(NearestNameTest, TiesGoToTheEarlierName) {
  EXPECT_EQ(nearest_name("stop", {"stop", "step"}), "stop");
  EXPECT_EQ(nearest_name("stap", {"step", "stop"}), "step");
}

}  // namespace
}  // namespace velo::cli
