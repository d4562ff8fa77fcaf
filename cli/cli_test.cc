// End-to-end tests of the bluegreen executable: exit codes and messages a user sees.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {
namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_cli(const std::string& args) {
  const std::string cmd = std::string(BG_CLI_BINARY) + " " + args + " 2>&1";
  Outcome o;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return o;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) o.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

// A private copy of the seed scenario to break.
fs::path copy_of_seed(const std::string& tag) {
  fs::path dir = fs::temp_directory_path() / ("bg-cli-" + std::to_string(::getpid()) + "-" + tag);
  fs::remove_all(dir);
  fs::copy(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed", dir, fs::copy_options::recursive);
  return dir;
}

}  // namespace

// Goal: --version names the version and the commit the binary was built from, and exits 0.
TEST(Cli, VersionNamesVersionAndCommit) {
  auto o = run_cli("--version");
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_TRUE(o.output.starts_with("bluegreen 0.1.0 (commit ")) << o.output;
  const auto commit = o.output.substr(std::string("bluegreen 0.1.0 (commit ").size());
  EXPECT_TRUE(commit.size() >= 12 && commit.find_first_not_of("0123456789abcdef") >= 12) << o.output;
}

// Goal: a malformed scenario.yaml is bad input: exit 2, and the message names file and line.
TEST(Cli, MalformedScenarioExitsTwoNamingFileAndLine) {
  auto dir = copy_of_seed("scenario");
  std::ofstream(dir / "scenario.yaml") << "seed: 7\ntraffic:\n  rate: fast\n";
  auto o = run_cli("run " + dir.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find((dir / "scenario.yaml").string() + ":3:"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("traffic.rate: fast is not a number"), std::string::npos) << o.output;
  fs::remove_all(dir);
}

// Goal: a malformed compose file is found before anything runs: exit 2 with file and line.
TEST(Cli, MalformedComposeFileExitsTwoNamingFileAndLine) {
  auto dir = copy_of_seed("compose");
  std::ofstream(dir / "docker-compose-green.yml")
      << "services:\n  green:\n    image: docker-image\n    ports: 3001:3000: x\n";
  auto o = run_cli("run " + dir.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("docker-compose-green.yml:4"), std::string::npos) << o.output;
  fs::remove_all(dir);
}

// Goal: a folder without scenario.yaml and an unknown flag are bad input too, never a crash.
TEST(Cli, MissingScenarioAndUnknownFlagExitTwo) {
  auto o = run_cli("run /nonexistent-folder");
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("/nonexistent-folder"), std::string::npos) << o.output;
  EXPECT_EQ(run_cli("run --frobnicate").exit_code, 2);
}

// Goal: `report` judges a saved history again: a history with a failed request is VIOLATED (exit 1)
// and a clean one HELD (exit 0).
TEST(Cli, ReportJudgesASavedHistory) {
  fs::path dir = fs::temp_directory_path() / ("bg-cli-report-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "bad.jsonl")
      << R"({"type":"request","id":1,"method":"GET","path":"/","start":1000,"end":2000,"status":200,"outcome":"ok"})"
         "\n"
      << R"({"type":"request","id":2,"method":"POST","path":"/api/echo","start":3000,"end":4000,"status":502,"outcome":"fail"})"
         "\n"
      << R"({"kind":"end","complete":true,"events":2})"
         "\n";
  std::ofstream(dir / "good.jsonl")
      << R"({"type":"request","id":1,"method":"GET","path":"/","start":1000,"end":2000,"status":200,"outcome":"ok"})"
         "\n"
      << R"({"kind":"end","complete":true,"events":1})"
         "\n";
  auto bad = run_cli("report " + (dir / "bad.jsonl").string() + " --out " + (dir / "bad").string());
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("POST 502"), std::string::npos) << bad.output;
  EXPECT_TRUE(fs::exists(dir / "bad/result.json"));
  auto good = run_cli("report " + (dir / "good.jsonl").string() + " --out " + (dir / "good").string());
  EXPECT_EQ(good.exit_code, 0) << good.output;
  std::ofstream(dir / "broken.jsonl") << "{not json\n";
  auto broken = run_cli("report " + (dir / "broken.jsonl").string());
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.output.find("broken.jsonl:1"), std::string::npos) << broken.output;
  fs::remove_all(dir);
}

// Goal: `report` never says HELD for what it cannot judge: an empty history, one cut short before
// its end record, or a folder exit 2 naming the file.
TEST(Cli, ReportRefusesEmptyTruncatedAndFolderInputs) {
  fs::path dir = fs::temp_directory_path() / ("bg-cli-report-bad-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "empty.jsonl");
  std::ofstream(dir / "cut.jsonl")
      << R"({"type":"request","id":1,"method":"GET","path":"/","start":1000,"end":2000,"status":200,"outcome":"ok"})"
         "\n";
  for (const auto& input : {dir / "empty.jsonl", dir / "cut.jsonl", dir}) {
    auto o = run_cli("report " + input.string() + " --out " + (dir / "out").string());
    EXPECT_EQ(o.exit_code, 2) << o.output;
    EXPECT_NE(o.output.find(input.string() + ":"), std::string::npos) << o.output;
    EXPECT_EQ(o.output.find("HELD"), std::string::npos) << o.output;
  }
  fs::remove_all(dir);
}

// Goal: --out naming a file is refused before the run starts (nothing ran: exit 2 at once).
TEST(Cli, OutNamingAFileIsRefusedBeforeTheRun) {
  auto dir = copy_of_seed("out-file");
  std::ofstream(dir / "out") << "not a folder";
  auto o = run_cli("run " + dir.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_NE(o.output.find("is a file, not a folder"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("initial deployment"), std::string::npos) << o.output;
  fs::remove_all(dir);
}
