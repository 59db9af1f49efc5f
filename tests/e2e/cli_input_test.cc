// The built velo binary refuses bad input: names velo does not accept,
// unknown projects and branches, bad flags, a garbage port range. Each
// exits 2 with exactly one stderr line "velo: error: ..." and changes
// nothing: not the state, not the storage, not the running servers.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/project/init.h"
#include "support/footprint.h"
#include "support/velo_cli.h"
#include "util/fs.h"

namespace velo::e2e {
namespace {

class CliInputTest : public CliTest {
 protected:
  void expect_refused(const std::vector<std::string>& args) {
    CliResult r = velo().run(args);
    EXPECT_EQ(check_usage_error(r), "");
  }

  // What a refused command must not add to: the home (lock files, logs),
  // the pool, the storage and the home's data root, down to each WAL
  // archive but not into it: a running main archives files by itself
  // (a backup's history file lands whenever its archiver gets to it).
  std::vector<std::string> files() {
    return footprint({{velo().home(), 3},
                      {pool().dir(), 2},
                      {pool().config().path, 2},
                      {core::default_data_root(velo().home(), true), 2}});
  }

  // Refused, and neither the state, the servers nor the files changed.
  void expect_refused_leaving_nothing(const std::vector<std::string>& args) {
    const nlohmann::json before = observable();
    const std::vector<std::string> files_before = files();
    expect_refused(args);
    EXPECT_EQ(observable(), before);
    EXPECT_EQ(files(), files_before);
  }
};

const std::string kLong64(64, 'a');
const std::string kLong63(63, 'a');

// Names that are not [a-z0-9][a-z0-9_-]{0,62}.
const std::vector<std::string> kBadNames = {
    "with space", "it's",
    "\"quoted\"", "..",
    ".",          "a..b",
    "UPPER",      "Mixed",
    "",           kLong64,
    "a;b",        "a|b",
    "a&b",        "$(id)",
    "`id`",       "a>b",
    "a*",         "~x",
    "-dash",      "_under",
    "a.b",        "a$b",
    "a\\b",       "a\tb",
    "a\nb",       "\xc3\xa9t\xc3\xa9",
};

TEST_P(CliInputTest, BadInputExitsTwoWithOneLineAndChangesNothing) {
  // init with a garbage port range: refused, and no home left behind.
  const std::vector<std::string> base = pool().init_args();
  const std::vector<std::string> garbage = {"garbage",
                                            "7000",
                                            "7000-",
                                            "-7000",
                                            "7100-7000",
                                            "0-10",
                                            "1-70000",
                                            "7000-70000",
                                            "a-b",
                                            "7000-7100-7200",
                                            "7000 - 7100",
                                            "7000..7100",
                                            "",
                                            "-",
                                            "6000-6999x",
                                            "0x1000-0x2000",
                                            "99999999999999999999-99999999999999999999",
                                            "7000-7100;id"};
  const std::string fresh_home = pool().dir() + "/fresh-home";
  VeloCli fresh(fresh_home);
  for (const auto& range : garbage) {
    SCOPED_TRACE("--port-range '" + range + "'");
    std::vector<std::string> args = base;
    args.push_back("--port-range");
    args.push_back(range);
    EXPECT_EQ(check_usage_error(fresh.run(args)), "");
    EXPECT_FALSE(path_exists(fresh_home)) << "init left " << fresh_home;
    (void)remove_tree(fresh_home);
  }
  EXPECT_EQ(check_usage_error(fresh.run({"init", "--storage", "nonsense", "--path", pool().dir()})),
            "");
  EXPECT_EQ(check_usage_error(fresh.run({"init", "--storage"})), "");
  EXPECT_FALSE(path_exists(fresh_home));
  (void)remove_tree(fresh_home);

  create_project("demo");
  const nlohmann::json before = observable();

  // A second init of the home with garbage changes nothing.
  for (const auto& range : {std::string("garbage"), std::string("1-70000")}) {
    std::vector<std::string> args = base;
    args.push_back("--port-range");
    args.push_back(range);
    EXPECT_EQ(check_usage_error(velo().run(args)), "");
  }

  // Names that are not [a-z0-9][a-z0-9_-]{0,62}, wherever a name goes.
  const std::vector<const char*> verbs = {"show",  "url",  "reset",   "delete",
                                          "start", "stop", "restart", "password"};
  for (size_t i = 0; i < kBadNames.size(); ++i) {
    const std::string& bad = kBadNames[i];
    SCOPED_TRACE("name '" + bad + "'");
    expect_refused({"project", "create", bad});
    expect_refused({"branch", "create", "demo/" + bad});
    expect_refused({"branch", "create", bad + "/x"});
    // The rest in turn, one per name: the same code path each time.
    switch (i % 4) {
      case 0:
        expect_refused({"project", "delete", bad, "--force"});
        break;
      case 1:
        expect_refused({"branch", "create", "demo/x", "--parent", "demo/" + bad});
        break;
      case 2:
        expect_refused({"branch", "list", bad});
        break;
      case 3:
        expect_refused({"project", "show", bad});
        break;
    }
    expect_refused({"branch", verbs[i % verbs.size()], "demo/" + bad});
  }
  // Not PROJECT/BRANCH: a second '/', none, a path.
  for (const std::string bad : {"demo/a/b", "demo", "demo/", "/main", "/", "../demo/main",
                                "demo/main/", "demo//main", "demo/./main"}) {
    SCOPED_TRACE("branch '" + bad + "'");
    expect_refused({"branch", "create", bad});
    expect_refused({"branch", "delete", bad, "--force"});
  }

  // Unknown project.
  expect_refused({"project", "show", "nope"});
  expect_refused({"project", "delete", "nope", "--force"});
  expect_refused({"branch", "list", "nope"});
  expect_refused({"branch", "list", ""});
  expect_refused({"branch", "create", "nope/x"});
  expect_refused({"branch", "create", "nope/main"});
  // Unknown branch.
  for (const char* verb : verbs) {
    SCOPED_TRACE(verb);
    expect_refused({"branch", verb, "demo/nope"});
  }
  expect_refused({"branch", "show", "nope/main"});
  expect_refused({"branch", "delete", "demo/nope", "--force"});
  expect_refused({"branch", "create", "demo/x", "--parent", "demo/nope"});
  // Conflicts: what exists already.
  expect_refused({"project", "create", "demo"});
  expect_refused({"branch", "create", "demo/main"});
  // Bad flags and commands.
  expect_refused({"branch", "create", "demo/x", "--bogus"});
  expect_refused({"branch", "create", "demo/x", "--parent"});
  expect_refused({"branch", "list", "--frobnicate"});
  expect_refused({"branch", "create"});
  expect_refused({"branch", "frobnicate", "demo/main"});
  expect_refused({"branch"});
  expect_refused({"project", "create"});
  expect_refused({"project", "create", "x", "--pg-version"});
  expect_refused({"frobnicate"});
  expect_refused({});
  expect_refused({"--no-such-global", "status"});
  expect_refused({"branch", "show", "demo/main", "demo/main"});

  EXPECT_EQ(observable(), before);

  // Exactly 63 characters is a valid name (the limit is not off by one),
  // and the original port range still governs new branches.
  ok({"branch", "create", "demo/" + kLong63});
  nlohmann::json long_branch = show("demo/" + kLong63);
  EXPECT_EQ(long_branch["name"], "demo/" + kLong63);
  EXPECT_EQ(long_branch["status"], "running");
  EXPECT_GE(long_branch["port"].get<int>(), port_min());
  EXPECT_LE(long_branch["port"].get<int>(), port_max());
  ok({"branch", "delete", "demo/" + kLong63});
  EXPECT_EQ(observable(), before);
  struct stat st {};
  ASSERT_EQ(::stat(velo().home().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

// Values CLI11 took as given (an empty --at made a plain branch, --json=5
// was --json), values that overflowed a parser, files that are no dump,
// URLs libpq refuses late: each exits 2 in one line and leaves nothing,
// not even a lock file or a data root.
TEST_P(CliInputTest, OddValuesOfEveryOptionCreateNothing) {
  create_project("demo");
  // The listing sees lock files: a refused command's would show.
  const auto listed = files();
  ASSERT_NE(std::find(listed.begin(), listed.end(), velo().home() + "/locks/demo.lock"),
            listed.end());
  const std::string huge(100000, 'x');
  const std::vector<std::vector<std::string>> refused = {
      {"branch", "create", "demo/x", "--at", ""},
      {"branch", "create", "demo/x", "--lsn", ""},
      {"branch", "create", "demo/x", "--at", "9999-12-31T23:59:59Z"},
      {"branch", "create", "demo/x", "--at", "999999999 weeks ago"},
      {"branch", "create", "demo/x", "--at", "a\nb"},
      {"branch", "create", "demo/x", "--at", huge},
      {"branch", "create", "demo/x", "--lsn", "FFFFFFFFF/0"},
      {"branch", "create", "demo/x", "--lsn", "-1/5"},
      {"branch", "create", "demo/x", "--parent", ""},
      {"branch", "create", "demo/x", "--listen", ""},
      {"branch", "create", "demo/x", "--listen", "../x"},
      {"branch", "create", "demo/x", "--no-archive=2"},
      {"branch", "create", "demo/x", "--no-start=yes"},
      {"branch", "create", "nope/x"},
      {"branch", "start", "nope/x"},
      {"branch", "list", "--json=5"},
      {"--json=5", "status"},
      {"--home", "", "status"},
      {"snapshot", "create", "demo/main", "--label", huge},
      {"snapshot", "create", "demo/main", "--label", "two\nlines"},
      {"snapshot", "prune", "demo/main", "--keep", "-1"},
      {"snapshot", "prune", "demo/main", "--keep", "x"},
      {"snapshot", "prune", "demo/main", "--older-than", ""},
      {"snapshot", "prune", "demo/main", "--older-than", "999999999w"},
      {"snapshot", "delete", "abc"},
      {"snapshot", "create", "nope/main"},
      {"wal", "prune", "nope/main"},
      {"project", "delete", "nope", "--force"},
      {"project", "unfollow", "nope"},
      {"project", "create", "p", "--from", ""},
      {"project", "create", "p", "--from-dump", ""},
      {"project", "create", "p", "--from-dump", "/etc/passwd"},
      {"project", "create", "p", "--from-dump", "/dev/null"},
      {"project", "create", "p", "--from-dump", VELO_BINARY},
      {"project", "create", "p", "--from", "postgres://"},
      {"project", "create", "p", "--from", "postgres://h:notaport/db"},
      {"project", "create", "p", "--from", "http://x"},
      {"project", "create", "p", "--from", "postgres://u:secret@h/db?sslmode=bogus"},
      {"project", "create", "p", "--from", "postgres://h/db?connect_timeout=x"},
      {"project", "create", "p", "--pg-version", ""},
      {"project", "create", "p", "--pg-version", "15.4"},
      {"project", "create", "p", "--runtime", ""},
      {"project", "create", "p", "--archive-timeout", "-1"},
      {"project", "create", "p", "--archive-timeout", "99999999999999999999"},
      {"project", "create", "p", "--jobs", "-1"},
  };
  for (const auto& args : refused) {
    std::string shown;
    for (const auto& arg : args) shown += " '" + arg.substr(0, 40) + "'";
    SCOPED_TRACE(shown);
    expect_refused_leaving_nothing(args);
  }
  EXPECT_FALSE(path_exists(velo().home() + "/locks/nope.lock"));
  EXPECT_FALSE(path_exists(velo().home() + "/locks/p.lock"));
  // --image means something to the docker runtime only.
  if (!on_docker()) expect_refused_leaving_nothing({"project", "create", "p", "--image", "x"});
}

// init refuses every bad --size before it makes anything: no home, no
// data root, no image file (--size '' made an 8 GB pool; refused sizes
// left /var/lib/velo/<hash> behind).
TEST_P(CliInputTest, InitRefusesBadSizesBeforeMakingAnything) {
  const std::string fresh_home = pool().dir() + "/fresh-home";
  const std::string image = pool().dir() + "/images/fresh.img";
  VeloCli fresh(fresh_home);
  const std::string data_root = core::default_data_root(fresh_home, true);
  const std::vector<std::string> bad_sizes = {
      "",   "0",   "-1",  "abc", "1",     "10M", "8X",    "1.5G", "99999999999999999999G",
      "1E", "8G1", " 8G", "8 G", "0x10G", "1e9", "../8G", "8G\n"};
  for (const std::string& size : bad_sizes) {
    SCOPED_TRACE("--size '" + size + "'");
    EXPECT_EQ(check_usage_error(
                  fresh.run({"init", "--image-file", image, "--fs", "btrfs", "--size", size})),
              "");
    EXPECT_FALSE(path_exists(fresh_home));
    EXPECT_FALSE(path_exists(data_root));
    EXPECT_FALSE(path_exists(pool().dir() + "/images"));
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"init", "--size", "1G", "--storage", "copy", "--path", pool().dir() + "/p"},
           {"init", "--storage", "copy", "--path", "relative/dir"},
           {"init", "--storage", "copy", "--path", ""},
           {"init", "--image-file", "/etc/passwd", "--fs", "btrfs", "--size", "200M"},
           {"init", "--image-file", image, "--fs", "ext4"},
           {"init", "--os-user", "no-such-user", "--storage", "copy"},
       }) {
    SCOPED_TRACE(args.back());
    EXPECT_EQ(check_usage_error(fresh.run(args)), "");
    EXPECT_FALSE(path_exists(fresh_home));
    EXPECT_FALSE(path_exists(data_root));
    EXPECT_FALSE(path_exists(pool().dir() + "/images"));
    EXPECT_FALSE(path_exists(pool().dir() + "/p"));
  }
}

// A mistyped command is named, with the nearest real one, in the one line.
TEST_P(CliInputTest, MistypedCommandsSayWhatWasMeant) {
  CliResult r = velo().run({"brnach", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err, "velo: error: unknown command 'brnach' (did you mean 'branch'?)\n");
  r = velo().run({"branch", "lst"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err, "velo: error: unknown command 'branch lst' (did you mean 'branch list'?)\n");
  r = velo().run({"branch", "lst", "--json"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err, "velo: error: unknown command 'branch lst' (did you mean 'branch list'?)\n");
}

// Global options work after a command's name, so its help lists them.
TEST_P(CliInputTest, CommandHelpShowsTheGlobalOptions) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"branch", "create", "--help"},
        std::vector<std::string>{"branch", "--help"}}) {
    CliResult r = velo().run(args);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_NE(r.out.find("--json"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("--home"), std::string::npos) << r.describe();
  }
}

VELO_CLI_INSTANTIATE_ON(CliInputTest, std::string("copy"));
VELO_CLI_INSTANTIATE_ON_DOCKER(CliInputTest);

}  // namespace
}  // namespace velo::e2e
