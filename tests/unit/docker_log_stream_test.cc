#include <gtest/gtest.h>

#include <string>

#include "runtime/docker_api.h"

namespace velo::runtime {
namespace {

// One frame of Docker's multiplexed log stream.
std::string frame(char stream, const std::string& payload) {
  std::string out(8, '\0');
  out[0] = stream;
  const auto size = static_cast<uint32_t>(payload.size());
  out[4] = static_cast<char>((size >> 24) & 0xff);
  out[5] = static_cast<char>((size >> 16) & 0xff);
  out[6] = static_cast<char>((size >> 8) & 0xff);
  out[7] = static_cast<char>(size & 0xff);
  return out + payload;
}

TEST(DockerLogStream, JoinsStdoutAndStderrInOrder) {
  const std::string raw =
      frame(1, "LOG:  starting\n") + frame(2, "FATAL:  oops\n") + frame(1, "bye\n");
  EXPECT_EQ(demux_log_stream(raw), "LOG:  starting\nFATAL:  oops\nbye\n");
}

TEST(DockerLogStream, HandlesLargeFrames) {
  const std::string big(70000, 'x');  // length needs more than 16 bits
  EXPECT_EQ(demux_log_stream(frame(2, big)), big);
}

TEST(DockerLogStream, PayloadMayContainZeroBytes) {
  const std::string payload("a\0b\n", 4);
  EXPECT_EQ(demux_log_stream(frame(1, payload)), payload);
}

TEST(DockerLogStream, SkipsStdinFramesAndEmptyOnes) {
  EXPECT_EQ(demux_log_stream(frame(0, "in") + frame(1, "") + frame(1, "out")), "out");
}

TEST(DockerLogStream, KeepsWhatArrivedOfATruncatedFrame) {
  std::string raw = frame(1, "complete\n") + frame(2, "partial line\n");
  raw.resize(raw.size() - 6);
  EXPECT_EQ(demux_log_stream(raw), "complete\npartial");
}

TEST(DockerLogStream, IgnoresATruncatedHeader) {
  std::string raw = frame(1, "x") + std::string("\x02\0\0", 3);
  EXPECT_EQ(demux_log_stream(raw), "x");
}

TEST(DockerLogStream, TtyOutputPassesThrough) {
  EXPECT_EQ(demux_log_stream("plain text from a tty\n"), "plain text from a tty\n");
  EXPECT_EQ(demux_log_stream(""), "");
}

}  // namespace
}  // namespace velo::runtime
