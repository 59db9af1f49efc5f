// A project's retention window through the built velo, with real
// PostgreSQL: `--at` works from the project's creation on with no
// snapshot taken by hand, branches coming and going never shrink the
// window, and `velo maintain` run at simulated times (VELO_NOW) takes
// scheduled snapshots and prunes snapshots and WAL past retention while
// keeping the ones still needed.
//
// Honest about time: PostgreSQL stamps commits with the real clock, so
// every `--at` here uses real times and real snapshots. VELO_NOW only
// moves velo's own decisions (when a snapshot is due, what is past
// retention); the snapshots it takes are stamped with the simulated time,
// and the WAL they keep is chosen by real LSNs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/history/pitr_time.h"
#include "support/velo_cli.h"
#include "util/time_format.h"

namespace velo::e2e {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;

class HistoryRetentionTest : public CliTest {
 protected:
  void exec(const std::string& branch, const std::string& statement) {
    auto rows = sql(branch, statement);
    ASSERT_TRUE(rows.ok()) << branch << ": " << statement << ": " << rows.error().message;
  }
  Clock::time_point server_now(const std::string& branch) {
    double epoch = std::stod(sql_value(branch, "SELECT extract(epoch FROM clock_timestamp())"));
    return Clock::time_point(std::chrono::microseconds(static_cast<int64_t>(epoch * 1e6)));
  }
  // velo maintain as if it were `at`.
  nlohmann::json maintain_at(Clock::time_point at) {
    VeloCli cli(velo());
    cli.set_env("VELO_NOW", format_utc(at));
    CliResult result = cli.run({"--json", "maintain"});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    auto json = nlohmann::json::parse(result.out, nullptr, false);
    return json.is_discarded() ? nlohmann::json() : json["projects"][0];
  }
  std::map<int64_t, std::string> snapshots(const std::string& branch = "p/main") {  // id -> kind
    std::map<int64_t, std::string> out;
    for (const auto& s : ok_json({"snapshot", "list", branch})) {
      out[s["id"].get<int64_t>()] = s["kind"].get<std::string>();
    }
    return out;
  }
  std::string window_from() {
    auto status = ok_json({"wal", "status", "p/main"});
    EXPECT_TRUE(status["window"].is_object()) << status.dump();
    return status["window"].is_object() ? status["window"]["from"].get<std::string>() : "";
  }
};

TEST_P(HistoryRetentionTest, WindowHoldsWhateverBranchesDo) {
  std::vector<std::string> create = project_create_args("p");
  create.insert(create.end(),
                {"--retention", "10m", "--snapshot-every", "1m", "--archive-timeout", "5"});
  ok(create);
  auto created =
      core::parse_rfc3339(ok_json({"project", "show", "p"})["created_at"].get<std::string>());
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(snapshots().size(), 1u) << "the first scheduled snapshot";

  // A moment after creation, with no snapshot taken by hand.
  exec("p/main", "CREATE TABLE markers (id int PRIMARY KEY)");
  exec("p/main", "INSERT INTO markers VALUES (1)");
  auto after1 = server_now("p/main");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  exec("p/main", "INSERT INTO markers VALUES (2)");
  ok({"branch", "create", "p/at1", "--parent", "p/main", "--at",
      format_utc(after1 + std::chrono::milliseconds(150))});
  EXPECT_EQ(sql_value("p/at1", "SELECT string_agg(id::text, ',' ORDER BY id) FROM markers"), "1");

  // Branches come and go (a CI loop, a colleague's resets): the window
  // stays where it started.
  const std::string from = window_from();
  ok({"branch", "delete", "p/at1"});
  EXPECT_EQ(window_from(), from);
  for (int round = 0; round < 2; ++round) {
    create_branch("p/ci", "p/main");
    ok({"branch", "reset", "p/ci"});
    EXPECT_EQ(window_from(), from) << "after a reset, round " << round;
    ok({"branch", "delete", "p/ci"});
    EXPECT_EQ(window_from(), from) << "after a delete, round " << round;
  }
  // Still recoverable: the moment after marker 1.
  ok({"branch", "create", "p/at1b", "--parent", "p/main", "--at",
      format_utc(after1 + std::chrono::milliseconds(150))});
  EXPECT_EQ(sql_value("p/at1b", "SELECT count(*) FROM markers"), "1");
  ok({"branch", "delete", "p/at1b"});

  // What must outlive retention: a user snapshot and a branch's base.
  auto user = ok_json({"snapshot", "create", "p/main", "--label", "keep"})["id"].get<int64_t>();
  create_branch("p/dev", "p/main");
  int64_t dev_base = 0;
  for (const auto& s : ok_json({"snapshot", "list", "p/main"})) {
    if (s["for_branch"] == "p/dev") dev_base = s["id"].get<int64_t>();
  }
  ASSERT_NE(dev_base, 0);
  exec("p/main", "SELECT pg_switch_wal()");
  const auto before_maintain = snapshots();

  // Simulated time: due at +2 min, not again at +2 min, due at +5 min.
  EXPECT_TRUE(maintain_at(*created + minutes(2))["snapshot"].is_number());
  EXPECT_TRUE(maintain_at(*created + minutes(2))["snapshot"].is_null()) << "idempotent";
  EXPECT_TRUE(maintain_at(*created + minutes(5))["snapshot"].is_number());
  auto oldest_before = ok_json({"wal", "status", "p/main"})["oldest_segment"]["name"];

  // +20 min: the window starts at +10 min. The snapshots from creation
  // (the first one, the released bases of at1 and ci) are past it; the
  // one at +5 min serves its start; user and dev's base stay.
  nlohmann::json late = maintain_at(*created + minutes(20));
  EXPECT_TRUE(late["snapshot"].is_number());
  auto after = snapshots();
  EXPECT_TRUE(after.count(user)) << late.dump();
  EXPECT_TRUE(after.count(dev_base)) << late.dump();
  std::set<int64_t> pruned;
  for (const auto& id : late["pruned_snapshots"]) pruned.insert(id.get<int64_t>());
  EXPECT_FALSE(pruned.empty()) << late.dump();
  for (const auto& [id, kind] : before_maintain) {
    if (id == user || id == dev_base) continue;
    EXPECT_TRUE(pruned.count(id)) << "snapshot " << id << " (" << kind << ") is past retention";
  }
  EXPECT_EQ(after.size(), 2u + 2u) << "user, dev's base, +5 min (window start), +20 min";
  // The WAL before the oldest kept snapshot (user's) went; what it needs stayed.
  EXPECT_GT(late["wal_files_removed"].get<int>(), 0) << late.dump();
  auto status = ok_json({"wal", "status", "p/main"});
  EXPECT_GT(status["oldest_segment"]["name"], oldest_before);
  EXPECT_NE(status["retention"].get<std::string>().find("every 10m"), std::string::npos)
      << status.dump();
  // At +20 min, wal status says why the window starts where it does.
  VeloCli later(velo());
  later.set_env("VELO_NOW", format_utc(*created + minutes(20)));
  std::string why = later.run_json({"wal", "status", "p/main"}).json()["retention"];
  EXPECT_NE(why.find("(retention 10m)"), std::string::npos) << why;
  // Its oldest recovery base is the user snapshot, older than retention.
  EXPECT_NE(why.find(fmt::format("starts at snapshot {} (", user)), std::string::npos) << why;
  EXPECT_NE(why.find("user snapshot"), std::string::npos) << why;
  // And it is recoverable: a branch from the user snapshot's time on.
  ok({"branch", "create", "p/now", "--parent", "p/main", "--at", "now"});
  EXPECT_EQ(sql_value("p/now", "SELECT count(*) FROM markers"), "2");
}

// branch create --retention: a window of the branch's own, snapshotted and
// pruned by maintain as main's is, started anew by a reset.
TEST_P(HistoryRetentionTest, ABranchWithItsOwnWindow) {
  std::vector<std::string> create = project_create_args("p");
  create.insert(create.end(), {"--archive-timeout", "5"});
  ok(create);
  ok({"branch", "create", "p/staging", "--retention", "10m", "--snapshot-every", "1m"});
  auto first = snapshots("p/staging");
  ASSERT_EQ(first.size(), 1u) << "its first scheduled snapshot";
  EXPECT_EQ(first.begin()->second, "scheduled");
  auto shown = ok_json({"branch", "show", "p/staging"});
  EXPECT_EQ(shown["retention"], "10m");
  EXPECT_EQ(shown["snapshot_every"], "1m");
  auto created = core::parse_rfc3339(shown["created_at"].get<std::string>());
  ASSERT_TRUE(created.ok());
  create_branch("p/plain", "p/main");
  EXPECT_TRUE(ok_json({"branch", "show", "p/plain"})["retention"].is_null());
  EXPECT_EQ(ok_json({"branch", "show", "p/main"})["retention"], "1d") << "the project's, 24h";

  // Recoverable from its creation on, with no snapshot taken by hand.
  exec("p/staging", "CREATE TABLE markers (id int PRIMARY KEY)");
  exec("p/staging", "INSERT INTO markers VALUES (1)");
  auto after1 = server_now("p/staging");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  exec("p/staging", "INSERT INTO markers VALUES (2)");
  ok({"branch", "create", "p/s-at", "--parent", "p/staging", "--at",
      format_utc(after1 + std::chrono::milliseconds(150))});
  EXPECT_EQ(sql_value("p/s-at", "SELECT string_agg(id::text, ',' ORDER BY id) FROM markers"), "1");
  ok({"branch", "delete", "p/s-at"});
  std::string why = ok_json({"wal", "status", "p/staging"})["retention"];
  EXPECT_NE(why.find("every 10m"), std::string::npos) << why;
  EXPECT_NE(why.find("the branch was created then"), std::string::npos) << why;

  // maintain snapshots it when due, and prunes past its window.
  auto due = maintain_at(*created + minutes(2));
  bool staging_taken = false;
  for (const auto& s : due["snapshots"]) staging_taken |= s["branch"] == "staging";
  EXPECT_TRUE(staging_taken) << due.dump();
  EXPECT_EQ(snapshots("p/staging").size(), 2u);
  auto late = maintain_at(*created + minutes(30));
  auto kept = snapshots("p/staging");
  EXPECT_EQ(kept.count(first.begin()->first), 0u) << "past its window: " << late.dump();
  EXPECT_EQ(kept.size(), 2u) << "the one serving the window's start, and the new one";
  EXPECT_TRUE(snapshots("p/plain").empty()) << "no window, no scheduled snapshots";

  // A reset starts the window anew: the old incarnation's snapshots go.
  ok({"branch", "reset", "p/staging", "--yes"});
  auto reset = snapshots("p/staging");
  ASSERT_EQ(reset.size(), 1u);
  EXPECT_EQ(kept.count(reset.begin()->first), 0u) << "a new snapshot";

  // Refused, nothing made: a window without an archive, an interval alone.
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"branch", "create", "p/x", "--retention", "1h", "--no-archive"},
           {"branch", "create", "p/x", "--snapshot-every", "1m"},
           {"branch", "create", "p/x", "--retention", "0"}}) {
    CliResult refused = velo().run(bad);
    EXPECT_EQ(refused.exit_code, 2) << refused.describe();
    EXPECT_NE(refused.err.find("velo: error: "), std::string::npos) << refused.describe();
  }
  EXPECT_EQ(ok_json({"branch", "list", "p"}).size(), 3u);
}

TEST_P(HistoryRetentionTest, BadDurationsAreRefused) {
  for (const char* bad : {"0", "garbage", "0d", "10"}) {
    std::vector<std::string> create = project_create_args("p");
    create.insert(create.end(), {"--retention", bad});
    CliResult refused = velo().run(create);
    EXPECT_EQ(refused.exit_code, 2) << refused.describe();
    EXPECT_NE(refused.err.find("velo: error: invalid --retention"), std::string::npos)
        << refused.describe();
  }
  EXPECT_TRUE(ok_json({"project", "list"}).empty());
  create_project("p");
  CliResult refused = velo().run({"project", "set", "p", "--snapshot-every", "0m"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  ok({"project", "set", "p", "--retention", "7d"});
  EXPECT_NE(ok_json({"wal", "status", "p/main"})["retention"].get<std::string>().find("7d"),
            std::string::npos);
}

VELO_CLI_INSTANTIATE_ON(HistoryRetentionTest, std::string("btrfs"));

}  // namespace
}  // namespace velo::e2e
