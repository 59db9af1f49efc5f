// The command line's own surface, run as a person and a script would:
// --version and `velo version`, `velo help COMMAND`, the ls and rm
// aliases, bash completion evaluated by bash, and the questions
// destructive commands ask on a terminal (through a pseudo-terminal),
// never of a script.
#include <gtest/gtest.h>

#include "support/pty_run.h"
#include "support/velo_cli.h"

namespace velo::e2e {
namespace {

class CliSurfaceTest : public CliTest {
 protected:
  // velo --home HOME ARGS on a terminal, typing `answer` at the question.
  PtyResult on_terminal(std::vector<std::string> args, const std::string& answer) {
    args.insert(args.begin(), {VELO_BINARY, "--home", velo().home()});
    return run_on_pty(args, {}, "[y/N]", answer);
  }
  // What bash completes after `words` (the last one being completed).
  std::string complete(const std::vector<std::string>& words) {
    std::string script =
        "eval \"$(\"$1\" completion bash)\"; shift; COMP_WORDS=(\"$@\"); "
        "COMP_CWORD=$(($# - 1)); _velo; echo \"${COMPREPLY[*]}\"";
    std::string dir = VELO_BINARY;
    dir = dir.substr(0, dir.rfind('/'));
    Command command{{"bash", "-c", script, "bash", VELO_BINARY}};
    command.argv.insert(command.argv.end(), words.begin(), words.end());
    // The script calls `velo complete-names`: velo on PATH, its home by
    // VELO_HOME.
    command.env = {{"PATH", dir + ":/usr/bin:/bin"}, {"VELO_HOME", velo().home()}};
    auto ran = RealProcessRunner().run(command);
    EXPECT_TRUE(ran.ok() && ran->exit_code == 0) << (ran.ok() ? ran->err : ran.error().message);
    return ran.ok() ? ran->out.substr(0, ran->out.find('\n')) : "";
  }
};

TEST_P(CliSurfaceTest, VersionNamesReleaseCommitAndPostgres) {
  CliResult flag = ok({"--version"});
  EXPECT_EQ(flag.out.rfind("velo 0.", 0), 0u) << flag.describe();
  EXPECT_NE(flag.out.find("(commit "), std::string::npos) << flag.describe();
  EXPECT_NE(flag.out.find("PostgreSQL: "), std::string::npos) << flag.describe();
  EXPECT_EQ(ok({"version"}).out, flag.out);
  nlohmann::json json = ok_json({"version"});
  EXPECT_EQ(flag.out.rfind("velo " + json.value("version", "?") + " ", 0), 0u) << json.dump();
  EXPECT_FALSE(json.value("commit", "").empty()) << json.dump();
  bool has_15 = false;
  for (const auto& pg : json.at("postgres")) has_15 = has_15 || pg.value("version", "") == "15";
  EXPECT_TRUE(has_15) << json.dump();
}

TEST_P(CliSurfaceTest, HelpOfACommandIsItsHelpAndMistakesSuggest) {
  CliResult help = ok({"help", "branch", "create"});
  EXPECT_EQ(help.out, ok({"branch", "create", "--help"}).out);
  EXPECT_NE(help.out.find("--no-start"), std::string::npos) << help.describe();
  EXPECT_NE(help.out.find("--json"), std::string::npos) << "global options shown";
  EXPECT_EQ(ok({"help"}).out, ok({"--help"}).out);
  CliResult typo = velo().run({"help", "brnach"});
  EXPECT_TRUE(check_usage_error(typo).empty()) << check_usage_error(typo);
  EXPECT_NE(typo.err.find("did you mean 'branch'"), std::string::npos) << typo.describe();
  // What follows a command is its arguments, as in `velo branch create x --help`.
  EXPECT_EQ(ok({"help", "branch", "create", "x"}).out, help.out);
}

TEST_P(CliSurfaceTest, ListsAndDeletesAnswerToLsAndRm) {
  create_project("p");
  create_branch("p/dev");
  EXPECT_EQ(ok_json({"branch", "ls", "p"}), ok_json({"branch", "list", "p"}));
  EXPECT_EQ(ok_json({"project", "ls"}).size(), 1u);
  ok({"branch", "rm", "p/dev"});
  EXPECT_EQ(ok_json({"branch", "list", "p"}).size(), 1u);
}

TEST_P(CliSurfaceTest, BashCompletesCommandsOptionsAndBranchNames) {
  create_project("shop");
  EXPECT_EQ(complete({"velo", "bra"}), "branch");
  EXPECT_EQ(complete({"velo", "branch", "cr"}), "create");
  EXPECT_EQ(complete({"velo", "branch", "l"}), "list ls");
  EXPECT_EQ(complete({"velo", "branch", "create", "--no-s"}), "--no-start");
  EXPECT_EQ(complete({"velo", "--json", "branch", "show", "sh"}), "shop shop/main");
  // Every visible command of `velo --help` is offered at the start.
  std::string first = complete({"velo", ""});
  for (const char* command : {"init", "project", "branch", "merge", "snapshot", "status", "doctor",
                              "gc", "version", "help", "completion", "psql", "logs"}) {
    EXPECT_NE((" " + first + " ").find(std::string(" ") + command + " "), std::string::npos)
        << command << " missing from: " << first;
  }
  EXPECT_EQ(first.find("wal-archive"), std::string::npos) << "hidden commands stay hidden";
  CliResult zsh = ok({"completion", "zsh"});
  EXPECT_NE(zsh.out.find("bashcompinit"), std::string::npos);
  CliResult fish = velo().run({"completion", "fish"});
  EXPECT_TRUE(check_usage_error(fish).empty()) << check_usage_error(fish);
}

TEST_P(CliSurfaceTest, DeleteAsksOnATerminalAndCountsConnectedClients) {
  create_project("p");
  create_branch("p/dev");
  auto client = connect("p/dev");
  ASSERT_TRUE(client.has_value());

  PtyResult no = on_terminal({"branch", "delete", "p/dev"}, "n\n");
  EXPECT_EQ(no.exit_code, 1) << no.output;
  EXPECT_NE(no.output.find("Delete branch p/dev and its data? 1 client is connected and will be "
                           "disconnected. [y/N]"),
            std::string::npos)
      << no.output;
  EXPECT_NE(no.output.find("velo: error: not confirmed: p/dev left as it was"), std::string::npos)
      << no.output;
  EXPECT_EQ(show("p/dev").value("status", ""), "running");
  EXPECT_TRUE(client->query("SELECT 1").ok()) << "the client was not cut off";

  PtyResult yes = on_terminal({"branch", "reset", "p/dev"}, "y\n");
  EXPECT_EQ(yes.exit_code, 0) << yes.output;
  EXPECT_NE(yes.output.find("Reset p/dev to its parent's current state? 1 client is connected"),
            std::string::npos)
      << yes.output;

  // No client now (reset cut it off): reset asks nothing; --yes skips delete's question.
  PtyResult quiet = on_terminal({"branch", "reset", "p/dev"}, "");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("[y/N]"), std::string::npos) << quiet.output;
  PtyResult skipped = on_terminal({"branch", "delete", "p/dev", "--yes"}, "");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_EQ(skipped.output.find("[y/N]"), std::string::npos) << skipped.output;
  EXPECT_EQ(ok_json({"branch", "list", "p"}).size(), 1u);

  PtyResult project = on_terminal({"project", "delete", "p"}, "\n");
  EXPECT_EQ(project.exit_code, 1) << project.output;
  EXPECT_NE(project.output.find("Delete project p with its 1 branch and all their data?"),
            std::string::npos)
      << project.output;
  EXPECT_EQ(ok_json({"project", "list"}).size(), 1u);
  // Not on a terminal (a script): no question, as before.
  ok({"project", "delete", "p"});
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
}

TEST_P(CliSurfaceTest, ShowSaysWhereABranchsDataCameFrom) {
  create_project("p");
  nlohmann::json main = show("p/main");
  EXPECT_TRUE(main["cloned_from"].is_null()) << main.dump();
  EXPECT_EQ(main["server_version"].get<std::string>().rfind("15.", 0), 0u) << main.dump();
  EXPECT_FALSE(main.value("data_dir", "").empty()) << main.dump();
  create_branch("p/dev");
  nlohmann::json dev = show("p/dev");
  ASSERT_TRUE(dev["cloned_from"].is_object()) << dev.dump();
  const std::string first = dev["cloned_from"]["snapshot"];
  EXPECT_EQ(first.find("@"), first.rfind("@")) << first;
  EXPECT_TRUE(dev["cloned_from"]["taken_at"].is_string()) << dev.dump();
  EXPECT_TRUE(dev["recovered_to"].is_null()) << dev.dump();
  // A reset clones a new snapshot of the parent: show names it.
  ok({"branch", "reset", "p/dev"});
  EXPECT_NE(show("p/dev")["cloned_from"]["snapshot"], first);
  CliResult text = ok({"branch", "show", "p/dev"});
  EXPECT_NE(text.out.find("  cloned   "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  server   PostgreSQL 15."), std::string::npos) << text.out;
}

TEST_P(CliSurfaceTest, SomeoneElsesHomeIsNotCalledUninitialised) {
  auto nobody = lookup_user("nobody");
  if (!nobody.ok()) GTEST_SKIP() << "no OS user nobody to run velo as";
  Command command{{VELO_BINARY, "--home", velo().home(), "branch", "list"}};
  command.user = *nobody;
  auto ran = RealProcessRunner().run(command);
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->exit_code, 1) << ran->err;
  EXPECT_NE(ran->err.find("cannot use the velo home " + velo().home() + " (permission denied)"),
            std::string::npos)
      << ran->err;
  EXPECT_EQ(ran->err.find("not initialised"), std::string::npos) << ran->err;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliSurfaceTest, ::testing::ValuesIn(kinds_for_run({"copy"})),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace velo::e2e
