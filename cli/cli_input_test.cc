// What the CLI checks before a run: the --out folder's lock, saved histories `report` may judge, the
// deployment's files read from the user's folder, and the replay line's quoting.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "cli/out_dir.h"
#include "cli/preflight.h"
#include "cli/saved_history.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace bg::cli {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("bg-cli-input-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string history_error(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  try {
    check_saved_history(file);
  } catch (const SavedHistoryError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kRequest =
    R"({"type":"request","id":1,"method":"GET","path":"/","start":1000,"end":2000,"status":200,"outcome":"ok"})"
    "\n";

// A copy of the seed scenario to break.
fs::path copy_of_seed(const fs::path& where) {
  fs::copy(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed", where / "seed", fs::copy_options::recursive);
  return where / "seed";
}

}  // namespace

// Goal: a second claim of the same folder fails while the first holds it, naming the holder, and
// succeeds once it is released; a file where the folder should be is refused.
TEST(OutDir, SecondClaimFailsNamingTheHolderUntilReleased) {
  TempDir tmp;
  {
    auto first = OutDir::claim(tmp.path / "out", "--out", "bluegreen run first");
    // flock locks belong to the open file description: a child process's claim is a second one.
    const pid_t child = ::fork();
    if (child == 0) {
      try {
        OutDir::claim(tmp.path / "out", "--out", "bluegreen run second");
        ::_exit(0);
      } catch (const OutDirError& e) {
        ::_exit(std::string(e.what()).find("in use by another run (pid " + std::to_string(::getppid()) +
                                           ": bluegreen run first)") != std::string::npos
                    ? 3
                    : 4);
      }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 3);
  }
  EXPECT_NO_THROW(OutDir::claim(tmp.path / "out", "--out", "bluegreen run third"));
  std::ofstream(tmp.path / "file") << "x";
  EXPECT_THROW(OutDir::claim(tmp.path / "file", "--out", "x"), OutDirError);
}

// Goal: a complete history is read; empty, cut, foreign, miscounted, joined or interrupted ones are
// refused with their line.
TEST(SavedHistory, RefusesWhatCannotBeJudged) {
  TempDir tmp;
  const auto f = tmp.path / "history.jsonl";
  const std::string end = R"({"kind":"end","complete":true,"events":1})"
                          "\n";
  EXPECT_EQ(history_error(f, std::string(kRequest) + end), "");
  EXPECT_NE(history_error(f, "").find("is empty"), std::string::npos);
  EXPECT_NE(history_error(f, kRequest).find("ends at line 1 without its end record"), std::string::npos);
  EXPECT_NE(history_error(f, "{not json\n").find("history.jsonl:1: not JSON"), std::string::npos);
  EXPECT_EQ(history_error(f, "{not json\n").find("[json.exception"), std::string::npos);
  EXPECT_NE(history_error(f, R"({"type":"tweet","id":1})"
                             "\n")
                .find(":1: not a bluegreen history record: unknown event type"),
            std::string::npos);
  EXPECT_NE(history_error(f, std::string(kRequest) + R"({"kind":"end","complete":true,"events":5})"
                                                     "\n")
                .find(":2: the end record says 5 events but the history holds 1"),
            std::string::npos);
  EXPECT_NE(history_error(f, std::string(kRequest) + end + kRequest).find(":3: a line after the end record"),
            std::string::npos);
  EXPECT_NE(history_error(f, std::string(kRequest) + R"({"kind":"end","complete":false,"events":1})"
                                                     "\n")
                .find("incomplete"),
            std::string::npos);
  EXPECT_NE(history_error(f, std::string(kRequest) +
                                 R"({"kind":"end","complete":true,"events":1,"reason":"interrupted by SIGINT"})"
                                 "\n")
                .find("the run ended early (interrupted by SIGINT)"),
            std::string::npos);
  EXPECT_NE(history_error(f, end.substr(0, end.find("1}")) + "0}\n").find("holds no request"), std::string::npos);
  EXPECT_NE(history_error(tmp.path, "").find("is a folder"), std::string::npos);
}

// Goal: preflight says the user's file and line for what the run would meet only on its copy or
// mid-run: a hook script missing from the folder, ENV PORT Node refuses, an unknown invariant.
TEST(Preflight, NamesTheUsersFileLineAndField) {
  TempDir tmp;
  const auto dir = copy_of_seed(tmp.path);
  EXPECT_NO_THROW(prepare_scenario(dir));
  fs::remove(dir / "scripts/switch_docker.sh");
  try {
    prepare_scenario(dir);
    ADD_FAILURE() << "a missing hook script passed";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_NE(
        std::string(e.what()).find((dir / "appspec.yml").string() + ":13:17: hooks.ApplicationStart[0].location: "
                                                                    "Script does not exist at specified location"),
        std::string::npos)
        << e.what();
  }
  fs::copy_file(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed/scripts/switch_docker.sh",
                dir / "scripts/switch_docker.sh");
  std::ofstream(dir / "Dockerfile", std::ios::app) << "ENV PORT 99999\n";
  try {
    prepare_scenario(dir);
    ADD_FAILURE() << "ENV PORT 99999 passed";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "Dockerfile").string() + ":42: ENV PORT 99999"), std::string::npos)
        << e.what();
  }
}

// Goal: every scenario the repository ships passes preflight (no false alarm on real deployments).
TEST(Preflight, EveryShippedScenarioPasses) {
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(BG_SOURCE_DIR) / "scenarios/data"))
    if (entry.path().filename() == "scenario.yaml") {
      EXPECT_NO_THROW(prepare_scenario(entry.path().parent_path())) << entry.path();
      ++checked;
    }
  EXPECT_GT(checked, 40);
}

// Goal: the printed replay line survives a shell: a folder with a space and an override with one are quoted.
TEST(ReplayCommand, IsShellQuoted) {
  scenarios::Scenario s;
  s.dir = "/tmp/my deploy/seed";
  EXPECT_EQ(sim::replay_command(s, 7, 0.05, {"app.listen_delay=11s", "expect.cause=a b"}),
            "bluegreen replay '/tmp/my deploy/seed' --seed 7 --time-scale 0.05 --set app.listen_delay=11s --set "
            "'expect.cause=a b'");
}

}  // namespace bg::cli
