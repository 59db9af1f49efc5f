// The Debian package (cmake/package.cmake, scripts/package) installed and
// removed in a clean Debian 12 chroot: dpkg -i, its dependencies from
// Debian's archive (apt-get -f install), velo runs, dpkg -r leaves none of
// its files. The chroot is a minbase debootstrap, cached as a tarball in
// /var/cache/velo. Skips, with the reason, where that cannot be done (not
// root, no cpack, dpkg-shlibdeps or debootstrap, no Debian mirror).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "util/exec.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMirror = "http://deb.debian.org/debian";
constexpr const char* kCacheDir = "/var/cache/velo";

class DebPackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "dpkg and chroot need root";
    for (const char* tool : {"cpack", "dpkg-shlibdeps", "dpkg-deb", "chroot", "tar"}) {
      if (find_on_path(tool).empty()) GTEST_SKIP() << tool << " is not installed";
    }
    std::string pattern = "/var/tmp/velo-deb-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    // Nothing is mounted in the chroot: removing it is removing files.
    if (!dir_.empty()) {
      EXPECT_TRUE(remove_tree(dir_).ok()) << dir_;
    }
  }

  ExecResult run(std::vector<std::string> argv) {
    Command command{std::move(argv)};
    command.env = {{"DEBIAN_FRONTEND", "noninteractive"}};
    auto ran = runner_.run(command);
    if (!ran.ok()) return ExecResult{127, "", ran.error().message};
    return *ran;
  }
  ExecResult in_chroot(std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"timeout", "600", "chroot", root()});
    return run(std::move(argv));
  }
  std::string root() const { return dir_ + "/root"; }

  // The package, made by cpack from the build's configuration (the build
  // directory is the one holding the velo binary).
  std::string make_package() {
    std::string build = fs::path(VELO_BINARY).parent_path().string();
    ExecResult made =
        run({"cpack", "--config", build + "/CPackConfig.cmake", "-G", "DEB", "-B", dir_ + "/out"});
    EXPECT_EQ(made.exit_code, 0) << made.out << made.err;
    for (const auto& entry : fs::directory_iterator(dir_ + "/out")) {
      if (entry.path().extension() == ".deb") return entry.path().string();
    }
    return "";
  }

  // A clean Debian 12 root in root(): from the cache, else bootstrapped
  // into it. "" on success, else why not.
  std::string make_root() {
    std::string arch = run({"dpkg", "--print-architecture"}).out;
    arch.erase(arch.find_last_not_of('\n') + 1);
    std::string tarball = std::string(kCacheDir) + "/debian-12-minbase-" + arch + ".tar";
    if (!path_exists(tarball)) {
      if (find_on_path("debootstrap").empty()) return "debootstrap is not installed";
      std::string fresh = dir_ + "/bootstrap";
      ExecResult boot =
          run({"timeout", "1200", "debootstrap", "--variant=minbase", "bookworm", fresh, kMirror});
      if (boot.exit_code != 0) return "debootstrap from " + std::string(kMirror) + " failed";
      if (!make_dirs(kCacheDir, 0755).ok()) return std::string("cannot create ") + kCacheDir;
      std::string partial = fmt::format("{}.{}.tmp", tarball, ::getpid());
      if (run({"tar", "-C", fresh, "--numeric-owner", "-cf", partial, "."}).exit_code != 0 ||
          ::rename(partial.c_str(), tarball.c_str()) != 0) {
        ::unlink(partial.c_str());
        return "cannot write " + tarball;
      }
      EXPECT_TRUE(remove_tree(fresh).ok());
    }
    if (!make_dirs(root(), 0755).ok()) return "cannot create " + root();
    if (run({"tar", "-C", root(), "--numeric-owner", "-xf", tarball}).exit_code != 0) {
      return "cannot unpack " + tarball;
    }
    // Name resolution and the archive, for apt-get inside.
    std::error_code ec;
    fs::copy_file("/etc/resolv.conf", root() + "/etc/resolv.conf",
                  fs::copy_options::overwrite_existing, ec);
    if (!write_file_atomic(root() + "/etc/apt/sources.list",
                           fmt::format("deb {} bookworm main\n", kMirror), 0644)
             .ok()) {
      return "cannot write the chroot's sources.list";
    }
    if (in_chroot({"apt-get", "update"}).exit_code != 0) {
      return std::string("apt-get update from ") + kMirror + " failed in the chroot";
    }
    return "";
  }

  // dpkg's status of velo in the chroot ("" when it knows none).
  std::string status() { return in_chroot({"dpkg-query", "-W", "-f=${Status}", "velo"}).out; }

  std::string dir_;
  RealProcessRunner runner_;
};

TEST_F(DebPackageTest, InstallsAndRemovesCleanlyInAFreshDebian) {
  std::string deb = make_package();
  ASSERT_FALSE(deb.empty()) << "cpack made no .deb";
  std::smatch name;
  std::string file = fs::path(deb).filename().string();
  ASSERT_TRUE(std::regex_match(file, name, std::regex(R"(velo_(\d+\.\d+\.\d+)_amd64\.deb)")))
      << file;
  auto field = [&](const std::string& f) { return run({"dpkg-deb", "-f", deb, f}).out; };
  EXPECT_EQ(field("Version"), name[1].str() + "\n");
  std::string depends = field("Depends");
  for (const char* lib : {"libpq5", "libsqlite3-0", "libcurl4", "libfmt9", "libc6", "libstdc++6"}) {
    EXPECT_NE(depends.find(lib), std::string::npos) << lib << " missing from: " << depends;
  }
  EXPECT_EQ(field("Recommends"), "postgresql-15\n");

  std::string reason = make_root();
  if (!reason.empty()) GTEST_SKIP() << reason;
  std::error_code ec;
  fs::copy_file(deb, root() + "/tmp/velo.deb", ec);
  ASSERT_FALSE(ec) << ec.message();
  // dpkg -i unpacks it and leaves it unconfigured for want of the libraries
  // (a minbase has none of them); apt-get -f install fetches them.
  in_chroot({"dpkg", "-i", "/tmp/velo.deb"});
  ExecResult fixed = in_chroot({"apt-get", "-f", "install", "-y", "--no-install-recommends"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_EQ(status(), "install ok installed");
  ExecResult help = in_chroot({"/usr/bin/velo", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.out << help.err;
  EXPECT_NE(help.out.find("branch"), std::string::npos) << help.out;

  std::vector<std::string> files;
  std::istringstream listed(in_chroot({"dpkg", "-L", "velo"}).out);
  for (std::string line; std::getline(listed, line);) {
    if (!line.empty() && !fs::is_directory(root() + line)) files.push_back(line);
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files,
            (std::vector<std::string>{"/usr/bin/velo", "/usr/lib/systemd/system/velo-serve.service",
                                      "/usr/share/bash-completion/completions/velo"}));
  ExecResult completes =
      in_chroot({"bash", "-c",
                 "source /usr/share/bash-completion/completions/velo; COMP_WORDS=(velo bra); "
                 "COMP_CWORD=1; _velo; echo \"${COMPREPLY[*]}\""});
  EXPECT_EQ(completes.out, "branch\n") << completes.err;
  ExecResult removed = in_chroot({"dpkg", "-r", "velo"});
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  for (const auto& f : files) EXPECT_FALSE(fs::exists(root() + f)) << f << " left behind";
  EXPECT_NE(status(), "install ok installed");
  EXPECT_EQ(in_chroot({"dpkg", "--audit"}).out, "") << "dpkg's database is not clean";
}

// cmake --install puts velo in PREFIX/bin, /usr/local/bin unless told.
TEST(CmakeInstallTest, PutsVeloInPrefixBin) {
  if (find_on_path("cmake").empty()) GTEST_SKIP() << "cmake is not installed";
  std::string build = fs::path(VELO_BINARY).parent_path().string();
  auto cache = read_file(build + "/CMakeCache.txt");
  ASSERT_TRUE(cache.ok());
  EXPECT_NE(cache->find("CMAKE_INSTALL_PREFIX:PATH=/usr/local\n"), std::string::npos);

  std::string prefix = "/tmp/velo-install-XXXXXX";
  ASSERT_NE(::mkdtemp(prefix.data()), nullptr);
  RealProcessRunner runner;
  auto installed = runner.run(Command{{"cmake", "--install", build, "--prefix", prefix}});
  ASSERT_TRUE(installed.ok());
  EXPECT_EQ(installed->exit_code, 0) << installed->out << installed->err;
  auto help = runner.run(Command{{prefix + "/bin/velo", "--help"}});
  ASSERT_TRUE(help.ok()) << help.error().message;
  EXPECT_EQ(help->exit_code, 0) << help->err;
  EXPECT_TRUE(remove_tree(prefix).ok());
}

}  // namespace
}  // namespace velo::e2e
