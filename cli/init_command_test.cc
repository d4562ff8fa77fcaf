// `bluegreen init` end to end: the executable on copies of real folders, its exit codes (0 written
// or printed, 2 bad input), what goes to stdout and stderr, and that an existing scenario.yaml is
// never replaced unasked.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {
namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Outcome init(const std::string& args) {
  const fs::path err = fs::temp_directory_path() / ("bg-init-err-" + std::to_string(::getpid()));
  const std::string cmd = std::string(BG_CLI_BINARY) + " init " + args + " 2>" + err.string();
  Outcome o;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return o;
  std::array<char, 4096> buf;
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) o.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.err = read_all(err);
  fs::remove(err);
  return o;
}

// A private copy of a folder of scenarios/data, to write into.
fs::path copy_of(const std::string& folder, const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("bg-init-" + std::to_string(::getpid()) + "-" + tag);
  fs::remove_all(dir);
  fs::copy(fs::path(BG_SOURCE_DIR) / "scenarios/data" / folder, dir, fs::copy_options::recursive);
  return dir;
}

// Goal: --print writes the draft to stdout and the summary to stderr, and writes no file.
TEST(InitCommand, PrintWritesTheDraftToStdoutAndTheSummaryToStderr) {
  const fs::path dir = copy_of("real-world/12-ssh-action-compose-symlink-drain", "print");
  const std::string before = read_all(dir / "scenario.yaml");
  const Outcome o = init("--print " + dir.string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("# scenario.yaml drafted by `bluegreen init`", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("/etc/nginx/sites-enabled/blog: /etc/nginx/sites-available/blog-blue"), std::string::npos)
      << o.out;
  EXPECT_NE(o.err.find("inferred:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("ssh-action"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("check:"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("# scenario.yaml"), std::string::npos) << "the draft went to stderr";
  EXPECT_EQ(read_all(dir / "scenario.yaml"), before);
  fs::remove_all(dir);
}

// Goal: an existing scenario.yaml is refused (exit 2, unchanged) unless --force, which replaces it.
TEST(InitCommand, RefusesToOverwriteWithoutForce) {
  const fs::path dir = copy_of("real-world/04-docker-run-health-cmd-upstream-tee", "force");
  const std::string before = read_all(dir / "scenario.yaml");
  Outcome o = init(dir.string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find((dir / "scenario.yaml").string() + " already exists"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("--force"), std::string::npos) << o.err;
  EXPECT_EQ(read_all(dir / "scenario.yaml"), before);
  o = init("--force " + dir.string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  const std::string after = read_all(dir / "scenario.yaml");
  EXPECT_EQ(after.rfind("# scenario.yaml drafted", 0), 0u);
  EXPECT_NE(after.find("host: shop.example.com"), std::string::npos) << after;
  EXPECT_NE(o.err.find("wrote " + (dir / "scenario.yaml").string()), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty());
  fs::remove_all(dir);
}

// Goal: a folder without scenario.yaml gets one, and nothing else in it changes.
TEST(InitCommand, WritesScenarioYamlBesideTheFolderFiles) {
  const fs::path dir = copy_of("seed", "write");
  fs::remove(dir / "scenario.yaml");
  const auto count = [&] {
    return std::distance(fs::recursive_directory_iterator(dir), fs::recursive_directory_iterator());
  };
  const auto files_before = count();
  const Outcome o = init(dir.string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir / "scenario.yaml"));
  EXPECT_EQ(count(), files_before + 1);
  EXPECT_NE(read_all(dir / "scenario.yaml").find("config: nginx.conf"), std::string::npos);
  EXPECT_NE(o.err.find("docker.compose: scripts/switch_docker.sh:10 calls `docker-compose`"), std::string::npos)
      << o.err;
  fs::remove_all(dir);
}

// Goal: bad input is exit 2 with a message naming the folder or file, and writes nothing.
TEST(InitCommand, BadInputExitsTwoNamingWhatIsWrong) {
  const fs::path dir = fs::temp_directory_path() / ("bg-init-bad-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "Dockerfile") << "FROM node:18\n";
  Outcome o = init(dir.string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("not a deploy folder"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "scenario.yaml"));

  std::ofstream(dir / "appspec.yml") << "version: 0.0\nhooks: [unclosed\n";
  o = init(dir.string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("appspec.yml:"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "scenario.yaml"));

  o = init((dir / "missing").string());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find((dir / "missing").string() + ": no such folder"), std::string::npos) << o.err;
  EXPECT_EQ(init("").exit_code, 2);  // the folder is required
  EXPECT_EQ(init("--frobnicate " + dir.string()).exit_code, 2);
  fs::remove_all(dir);
}

}  // namespace
