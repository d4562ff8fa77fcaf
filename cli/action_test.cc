// action.yml run as a GitHub runner would run it: its `run:` steps in order, in bash, with the
// runner's environment (GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT) and each step's
// `env:` with `${{ inputs.* }}` replaced by the inputs given or their defaults. A `uses:` step (the
// artifact upload) is the runner's own and is only recorded here; after a failing step only
// `if: always()`/`failure()` steps run, as on a runner. The bluegreen under test is this build's CLI, given through the
// action's `cli` input.
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "core/shell_quote.h"

namespace {
namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Job {
  int exit_code = 0;  // of the step that failed the job, 0 when none did
  int steps_run = 0;
  std::vector<std::string> uses;  // the `uses:` steps a runner would run
};

class ActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bg_action_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the action's steps with `inputs` over its defaults; returns how the job ended.
  Job run_action(std::map<std::string, std::string> inputs) {
    const YAML::Node action = YAML::LoadFile(std::string(BG_SOURCE_DIR) + "/action.yml");
    for (const auto& input : action["inputs"]) {
      const std::string name = input.first.as<std::string>();
      if (!inputs.count(name) && input.second["default"]) inputs[name] = input.second["default"].as<std::string>();
    }
    EXPECT_EQ(action["runs"]["using"].as<std::string>(), "composite");
    const std::regex expression(R"(\$\{\{\s*inputs\.([A-Za-z_-]+)\s*\}\})");
    Job job;
    for (const auto& step : action["runs"]["steps"]) {
      // After a failed step only `if: always()` and `if: failure()` steps run, as on a runner.
      const std::string condition = step["if"].as<std::string>("");
      if (job.exit_code != 0 && condition != "always()" && condition != "failure()") continue;
      if (step["uses"]) {
        job.uses.push_back(step["uses"].as<std::string>() + " if " + step["if"].as<std::string>(""));
        continue;
      }
      EXPECT_EQ(step["shell"].as<std::string>(), "bash");
      std::string command = "cd " + bg::core::shell_quote(dir_.string()) + " && env";
      auto add = [&](const std::string& name, const std::string& value) {
        command += " " + bg::core::shell_quote(name + "=" + value);
      };
      add("GITHUB_ACTION_PATH", BG_SOURCE_DIR);
      add("GITHUB_WORKSPACE", dir_.string());
      add("GITHUB_STEP_SUMMARY", (dir_ / "step_summary.md").string());
      add("GITHUB_OUTPUT", (dir_ / "output.txt").string());
      for (const auto& var : step["env"]) {
        const std::string value = var.second.as<std::string>();
        std::smatch m;
        if (std::regex_match(value, m, expression)) {
          EXPECT_TRUE(inputs.count(m[1])) << "the step reads an input the action does not declare: " << m[1];
          add(var.first.as<std::string>(), inputs[m[1]]);
        } else {
          add(var.first.as<std::string>(), value);
        }
      }
      command += " bash -e -c " + bg::core::shell_quote(step["run"].as<std::string>()) + " >>" +
                 bg::core::shell_quote((dir_ / "log.txt").string()) + " 2>&1";
      const int status = std::system(command.c_str());
      ++job.steps_run;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
      if (job.exit_code == 0) job.exit_code = code;  // the first failure fails the job
    }
    return job;
  }

  fs::path scenario(const std::string& name) { return fs::path(BG_SOURCE_DIR) / "scenarios/data" / name; }

  fs::path dir_;
};

// Goal: on the seed the job fails (exit 1, verdict violated) and the step summary carries the run's
// summary.md; the reports the upload step names are there, and the upload still runs (if: always()).
TEST_F(ActionTest, ViolatedFailsTheJobWithTheSummaryInTheStepSummary) {
  const Job job = run_action({{"folder", scenario("seed").string()}, {"cli", BG_CLI_BINARY}, {"out", "reports"}});
  EXPECT_EQ(job.exit_code, 1) << read(dir_ / "log.txt");
  EXPECT_EQ(job.steps_run, 2);
  EXPECT_NE(read(dir_ / "output.txt").find("verdict=violated"), std::string::npos);
  const std::string summary = read(dir_ / "reports/summary.md");
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(read(dir_ / "step_summary.md"), summary);
  EXPECT_TRUE(fs::exists(dir_ / "reports/report.html"));
  EXPECT_TRUE(fs::exists(dir_ / "reports/junit.xml"));
  EXPECT_EQ(job.uses, (std::vector<std::string>{"actions/upload-artifact@v4 if always()"}));
}

// Goal: on the fixed twin the job passes (exit 0, verdict held), with `set` lines passed through as
// overrides (a blank line and spaces around a line are ignored).
TEST_F(ActionTest, HeldPassesTheJobAndSetLinesAreOverrides) {
  const Job job = run_action({{"folder", scenario("seed-fixed").string()},
                              {"cli", BG_CLI_BINARY},
                              {"set", "  run.swaps=1  \n\ntraffic.rate=20\n"}});
  EXPECT_EQ(job.exit_code, 0) << read(dir_ / "log.txt");
  EXPECT_NE(read(dir_ / "output.txt").find("verdict=held"), std::string::npos);
  EXPECT_NE(read(dir_ / "step_summary.md").find("HELD"), std::string::npos) << read(dir_ / "step_summary.md");
  EXPECT_EQ(read(dir_ / "step_summary.md"), read(dir_ / "bluegreen-out/summary.md"));
  // run.swaps=1 reached the run: the swap table has one row where the scenario asks for three.
  const std::string summary = read(dir_ / "step_summary.md");
  EXPECT_NE(summary.find("\n| 1 | "), std::string::npos) << summary;
  EXPECT_EQ(summary.find("\n| 2 | "), std::string::npos) << summary;
}

// Goal: `engine: sim` runs the deployment on the deterministic engine: the seed is refuted there too,
// and its summary names the engine.
TEST_F(ActionTest, SimEngineInputRunsOnTheDeterministicEngine) {
  const Job job = run_action({{"folder", scenario("seed").string()}, {"cli", BG_CLI_BINARY}, {"engine", "sim"}});
  EXPECT_EQ(job.exit_code, 1) << read(dir_ / "log.txt");
  EXPECT_NE(read(dir_ / "output.txt").find("verdict=violated"), std::string::npos);
  EXPECT_NE(read(dir_ / "step_summary.md").find("engine sim"), std::string::npos) << read(dir_ / "step_summary.md");
}

// Goal: inputs the action cannot honour fail the job with exit 2 before any run: an engine that does
// not exist, a run count that is not a whole number, a cli that is not there.
TEST_F(ActionTest, InputsItCannotHonourFailTheJobWithExit2) {
  const std::string folder = scenario("seed-fixed").string();
  EXPECT_EQ(run_action({{"folder", folder}, {"cli", BG_CLI_BINARY}, {"engine", "quantum"}}).exit_code, 2);
  EXPECT_NE(read(dir_ / "log.txt").find("engine 'quantum' is not one of 'live' and 'sim'"), std::string::npos)
      << read(dir_ / "log.txt");
  EXPECT_EQ(run_action({{"folder", folder}, {"cli", BG_CLI_BINARY}, {"runs", "two"}}).exit_code, 2);
  const Job missing = run_action({{"folder", folder}, {"cli", (dir_ / "no-such-bluegreen").string()}});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.steps_run, 1);
  EXPECT_FALSE(fs::exists(dir_ / "bluegreen-out"));
}

}  // namespace
