// The command line's own surface: the question before a destructive
// command, counted nouns, the completion script generated from the table,
// and the PostgreSQL installs `velo version` lists.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/command_table.h"
#include "cli/completion.h"
#include "cli/confirm.h"
#include "cli/output.h"
#include "cli/parser.h"
#include "runtime/postgres_installs.h"

namespace velo::cli {
namespace {

// confirm() on `typed` as the terminal's input; what it printed in `shown`.
Status answer(const std::string& typed, bool interactive, std::string* shown) {
  std::string input = typed;
  std::FILE* in = ::fmemopen(input.data(), input.size() + 1, "r");
  char* out_buffer = nullptr;
  size_t out_size = 0;
  std::FILE* out = ::open_memstream(&out_buffer, &out_size);
  Status status = confirm("Delete branch p/x?", "p/x", interactive, in, out);
  std::fclose(in);
  std::fclose(out);
  *shown = std::string(out_buffer, out_size);
  std::free(out_buffer);
  return status;
}

TEST(ConfirmTest, GoesOnOnlyWhenThePersonSaysYes) {
  std::string shown;
  EXPECT_TRUE(answer("y\n", true, &shown).ok());
  EXPECT_EQ(shown, "Delete branch p/x? [y/N] ");
  EXPECT_TRUE(answer("Yes\n", true, &shown).ok());
  for (const char* no : {"n\n", "\n", "", "no\n", " y\n"}) {
    Status status = answer(no, true, &shown);
    ASSERT_FALSE(status.ok()) << "answer '" << no << "'";
    EXPECT_EQ(status.error().kind, ErrorKind::Declined);
    EXPECT_EQ(status.error().message,
              "not confirmed: p/x left as it was (--yes skips the question)");
  }
}

TEST(ConfirmTest, AScriptIsNeverAsked) {
  std::string shown;
  EXPECT_TRUE(answer("n\n", false, &shown).ok());
  EXPECT_EQ(shown, "");
  EXPECT_TRUE(confirm("Delete?", "x", true).ok()) << "--yes goes on without asking";
}

TEST(CountedTest, SingularForOneOnly) {
  EXPECT_EQ(counted(0, "branch", "branches"), "0 branches");
  EXPECT_EQ(counted(1, "branch", "branches"), "1 branch");
  EXPECT_EQ(counted(2, "client", "clients"), "2 clients");
}

TEST(CompletionTest, BashScriptOffersEveryVisibleCommandAndOption) {
  CommandTable table = command_table();
  Parser parser(table);
  const std::string script = bash_completion(parser.app());
  EXPECT_NE(script.find("complete -F _velo velo"), std::string::npos);
  // The first case arm: the commands at the start of the line.
  const size_t top = script.find("    '') echo '");
  ASSERT_NE(top, std::string::npos) << script;
  std::string top_line = script.substr(top, script.find('\n', top) - top);
  std::replace(top_line.begin(), top_line.end(), '\'', ' ');
  for (const CommandRow& row : table) {
    const std::string& name = row.path.back();
    if (row.path.size() == 1) {
      EXPECT_EQ(top_line.find(" " + name + " ") != std::string::npos, !row.hidden)
          << name << " in " << top_line;
    }
    if (!row.hidden) {
      EXPECT_NE(script.find(name), std::string::npos) << name;
    }
  }
  EXPECT_NE(script.find("'branch') echo 'create list ls show url reset delete rm"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("'branch ls') echo '"), std::string::npos) << "an alias completes too";
  EXPECT_NE(script.find("--no-start"), std::string::npos);
  EXPECT_NE(zsh_completion(parser.app()).find("bashcompinit"), std::string::npos);
}

TEST(PostgresInstallsTest, FindsVersionsWithServerAndInitdbInNumericOrder) {
  const std::string root = ::testing::TempDir() + "velo-pg-installs";
  std::filesystem::remove_all(root);
  auto install = [&root](const std::string& version, bool with_initdb) {
    const std::string bin = root + "/" + version + "/bin";
    std::filesystem::create_directories(bin);
    for (const char* program : {"postgres", "initdb"}) {
      if (std::string(program) == "initdb" && !with_initdb) continue;
      std::ofstream(bin + "/" + program) << "#!/bin/sh\n";
      ::chmod((bin + "/" + program).c_str(), 0755);
    }
  };
  install("15", true);
  install("9.6", true);
  install("16", false);  // a client-only install: no server to run
  std::filesystem::create_directories(root + "/common/bin");
  auto found = runtime::find_postgres_installs(root);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].version, "9.6");
  EXPECT_EQ(found[1].version, "15");
  EXPECT_EQ(found[1].bin_dir, root + "/15/bin");
  EXPECT_TRUE(runtime::find_postgres_installs(root + "/missing").empty());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace velo::cli
