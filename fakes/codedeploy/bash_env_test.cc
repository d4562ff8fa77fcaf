#include "fakes/codedeploy/bash_env.h"

#include <gtest/gtest.h>

#include "fakes/codedeploy/script_runner.h"
#include "fakes/codedeploy/test_support.h"

namespace bg::fakes {
namespace {

using testing::TempDir;
using testing::write_file;

class BashEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(run_dir_ / "sub");
    paths_.add("/home/ec2-user/temp", run_dir_);
    write_bash_env(dir_ / "env/bash_env.sh", paths_);
  }
  // stdout of a script with `shebang` and `body`, run with BASH_ENV set.
  ScriptResult run(const std::string& shebang, const std::string& body) {
    write_file(dir_ / "s.sh", shebang + "\n" + body, true);
    return runner_.run({.script = dir_ / "s.sh", .cwd = dir_.path(),
                        .env = {{"PATH", "/usr/bin:/bin"}, {"BASH_ENV", (dir_ / "env/bash_env.sh").string()}}});
  }
  TempDir dir_;
  std::filesystem::path run_dir_ = dir_ / "run folder's";  // a space and a quote: quoting must hold
  core::PathMap paths_;
  core::ScaledClock clock_{0.01};
  ScriptRunner runner_{clock_};
};

// Goal: a real bash script's `cd /home/ec2-user/temp && pwd` lands in the run's folder.
TEST_F(BashEnvTest, CdToTheVirtualPathLandsInTheRunFolder) {
  ScriptResult r = run("#!/usr/bin/env bash", "cd /home/ec2-user/temp && pwd\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, run_dir_.string() + "\n");
}

// Goal: subfolders map too, pushd is mapped, and paths outside the map are left alone.
TEST_F(BashEnvTest, SubfoldersPushdAndUnmappedPaths) {
  ScriptResult r = run("#!/usr/bin/env bash",
                       "set -euo pipefail\ncd /home/ec2-user/temp/sub && pwd\npushd /home/ec2-user/temp >/dev/null && pwd\n"
                       "cd / && pwd\n");
  EXPECT_EQ(r.out, (run_dir_ / "sub").string() + "\n" + run_dir_.string() + "\n/\n") << r.err;
}

// Goal: the longest prefix wins, as in core::PathMap.
TEST_F(BashEnvTest, LongestPrefixWins) {
  std::filesystem::create_directories(dir_ / "nginx");
  paths_.add("/home/ec2-user/temp/nginx", dir_ / "nginx");
  write_bash_env(dir_ / "env/bash_env.sh", paths_);
  ScriptResult r = run("#!/usr/bin/env bash", "cd /home/ec2-user/temp/nginx && pwd\n");
  EXPECT_EQ(r.out, (dir_ / "nginx").string() + "\n") << r.err;
}

// Goal: the documented limit: a /bin/sh script does not read BASH_ENV, so its cd is not mapped.
TEST_F(BashEnvTest, ShScriptsDoNotReadBashEnv) {
  if (std::filesystem::exists("/home/ec2-user/temp")) GTEST_SKIP() << "the real path exists on this machine";
  ScriptResult r = run("#!/bin/sh", "cd /home/ec2-user/temp && pwd\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace bg::fakes
