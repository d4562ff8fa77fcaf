#include "fakes/host/host_layout.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <fstream>

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/bg_layout_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

const MountStep* find(const MountPlan& plan, MountStep::Kind kind, const std::string& target) {
  auto it = std::find_if(plan.steps.begin(), plan.steps.end(),
                         [&](const MountStep& s) { return s.kind == kind && s.target == target; });
  return it == plan.steps.end() ? nullptr : &*it;
}

HostLayoutOptions options(const fs::path& run_dir) {
  HostLayoutOptions o;
  o.run_dir = run_dir;
  o.shim_binary = "/bin/true";
  o.shims = {{"docker", {"/usr/bin/docker"}}, {"docker-compose", {"/usr/local/bin/docker-compose"}}};
  o.real_programs = {"timeout"};
  return o;
}

}  // namespace

// Goal: the machine's system folders are overlays whose writes land in the run, the instance's own
// folders are the run's, and nothing else of the machine's root (such as /work) is in the host.
TEST(HostLayout, OverlaysTheSystemAndGivesTheRunItsOwnFolders) {
  TempDir run;
  MountPlan plan = HostLayout(options(run.path)).prepare();
  const MountStep* usr = find(plan, MountStep::Kind::overlay, "/usr");
  ASSERT_NE(usr, nullptr);
  EXPECT_EQ(usr->source, "/usr");
  EXPECT_EQ(usr->upper, (run.path / "layer/usr/upper").string());
  ASSERT_NE(find(plan, MountStep::Kind::overlay, "/etc"), nullptr);
  for (const char* own : {"/home", "/root", "/opt", "/tmp", "/etc/nginx", "/var/www"}) {
    const MountStep* bind = find(plan, MountStep::Kind::bind, own);
    ASSERT_NE(bind, nullptr) << own;
    EXPECT_EQ(bind->source, (run.path / "host" / fs::path(own).relative_path()).string());
  }
  EXPECT_EQ(find(plan, MountStep::Kind::overlay, "/work"), nullptr);
  EXPECT_EQ(find(plan, MountStep::Kind::bind, "/work"), nullptr);
  EXPECT_NE(find(plan, MountStep::Kind::proc, "/proc"), nullptr);
  EXPECT_NE(find(plan, MountStep::Kind::bind, "/dev/null"), nullptr);
  EXPECT_EQ(find(plan, MountStep::Kind::bind, "/dev/vda"), nullptr);
  EXPECT_TRUE(fs::is_directory(run.path / "host/home/ec2-user"));
  EXPECT_TRUE(fs::is_directory(run.path / "host/opt/codedeploy-agent/deployment-root"));
}

// Goal: the shims stand at the real programs' paths (in the overlay's upper layer, so the machine's
// own /usr/bin/docker is never touched), and the shim's binary and the programs the shims hand work
// back to are bound aside read-only, after /run/bluegreen itself (a script running as root must not
// write through to the machine's /usr/bin/timeout).
TEST(HostLayout, PlacesShimsAtTheRealProgramsPaths) {
  TempDir run;
  const auto plan = HostLayout(options(run.path)).prepare();
  EXPECT_EQ(fs::read_symlink(run.path / "layer/usr/upper/bin/docker"), "/run/bluegreen/bluegreen-shim");
  EXPECT_EQ(fs::read_symlink(run.path / "host/usr/local/bin/docker-compose"), "/run/bluegreen/bluegreen-shim");
  auto position = [&](const std::string& target) {
    for (size_t i = 0; i < plan.steps.size(); ++i)
      if (plan.steps[i].kind == MountStep::Kind::bind && plan.steps[i].target == target) return i;
    return plan.steps.size();
  };
  const size_t ctl = position("/run/bluegreen");
  ASSERT_LT(ctl, plan.steps.size());
  EXPECT_EQ(plan.steps[ctl].source, (run.path / "ctl").string());
  for (const auto& [inside, real] : {std::pair<std::string, std::string>{"/run/bluegreen/real/timeout", "timeout"},
                                     {"/run/bluegreen/bluegreen-shim", "true"}}) {
    const size_t at = position(inside);
    ASSERT_LT(at, plan.steps.size()) << inside;
    EXPECT_GT(at, ctl) << inside;
    EXPECT_TRUE(plan.steps[at].read_only) << inside;
    EXPECT_EQ(fs::path(plan.steps[at].source).filename(), real) << inside;
    EXPECT_TRUE(fs::exists(plan.steps[at].source)) << inside;
    EXPECT_NE(find(plan, MountStep::Kind::file, inside), nullptr) << inside;  // the mount point
  }
}

// Goal: the instance's default user exists in its /etc/passwd (written to the upper layer), per OS.
TEST(HostLayout, TheInstancesUserExists) {
  TempDir run;
  HostLayoutOptions o = options(run.path);
  o.os = HostOs::ubuntu_22_04;
  HostLayout layout(o);
  layout.prepare();
  std::ifstream in(run.path / "layer/etc/upper/passwd");
  std::string passwd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(passwd.find("\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n"), std::string::npos);
  EXPECT_EQ(layout.default_home(), "/home/ubuntu");
  EXPECT_THROW(parse_host_os("windows"), std::invalid_argument);
}

}  // namespace bg::fakes
