#include "core/branch/listen_address.h"

#include <gtest/gtest.h>

namespace velo::core {
namespace {

TEST(ListenAddressTest, AcceptsIpLiteralsAndStar) {
  for (const char* address : {"127.0.0.1", "0.0.0.0", "10.1.2.3", "::", "::1", "fe80::1", "*"}) {
    EXPECT_TRUE(validate_listen_address(address).ok()) << address;
  }
}

TEST(ListenAddressTest, RefusesNamesPortsAndLists) {
  for (const char* address : {"", "localhost", "127.0.0.1:5432", "127.0.0.1,::1", "0.0.0.0/0",
                              "256.1.1.1", " 127.0.0.1", "*.*"}) {
    Status status = validate_listen_address(address);
    ASSERT_FALSE(status.ok()) << address;
    EXPECT_EQ(status.error().kind, ErrorKind::Invalid) << address;
  }
}

}  // namespace
}  // namespace velo::core
