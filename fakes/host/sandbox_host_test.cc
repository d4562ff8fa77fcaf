#include "fakes/host/sandbox_host.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "core/path_map.h"
#include "core/shell_quote.h"
#include "fakes/host/host_layout.h"
#include "test_support/loopback.h"
#include "test_support/wait.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/bg_sandbox_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    HostLayout::remove_run_folder(path, ec);
    EXPECT_FALSE(ec) << ec.message();
  }
};

// A started host over a throwaway run folder.
struct Host {
  TempDir run;  // destroyed last: the host stops before its folder goes
  std::unique_ptr<HostLayout> layout;
  std::unique_ptr<SandboxHost> host;
  Host() {
    HostLayoutOptions o;
    o.run_dir = run.path;
    o.shim_binary = BG_SHIM_BINARY;
    o.shims = {{"docker", {"/usr/bin/docker"}}};
    o.user_namespace = ::geteuid() != 0;
    layout = std::make_unique<HostLayout>(o);
    host = std::make_unique<SandboxHost>(layout->prepare(), run.path / "plan.json", BG_HOST_BINARY);
  }
};

struct Output {
  int exit_code = -1;
  std::string out;
};

// Runs `sh -c script` inside the host and waits for it (bounded).
Output run_in(const SandboxHost& host, const core::NamespaceEntry& where, const std::string& script) {
  int out[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  core::SpawnRequest r;
  r.argv = {"/bin/sh", "-c", script};
  r.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"}};
  r.stdout_fd = out[1];
  r.stderr_fd = out[1];
  r.enter = &where;
  core::Spawned s = core::spawn_process(r);
  ::close(out[1]);
  Output o;
  EXPECT_TRUE(s.ok()) << s.error;
  char buf[4096];
  for (;;) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    o.out.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(s.pid, &status, 0);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0; }

}  // namespace

// Goal: a script's writes anywhere land in the run — the run's own folders or the overlays' upper
// layers — and the machine's files stay as they were.
TEST(SandboxHost, WritesLandInTheRunNeverOnTheMachine) {
  Host h;
  Output o =
      run_in(*h.host, h.host->whole_host(),
             "mkdir -p /etc/nginx/conf.d && echo 'server {}' > /etc/nginx/conf.d/app.conf && "
             "echo probe > /usr/local/bg_sandbox_probe && echo x > /etc/bg_sandbox_probe && echo y > /usr/bg_probe && "
             "echo home > /home/ec2-user/file && hostname");
  ASSERT_EQ(o.exit_code, 0) << o.out;
  EXPECT_EQ(o.out, "ip-172-31-7-10\n");
  EXPECT_TRUE(fs::exists(h.layout->own_folder("/etc/nginx") / "conf.d/app.conf"));
  EXPECT_TRUE(fs::exists(h.layout->own_folder("/home") / "ec2-user/file"));
  EXPECT_TRUE(fs::exists(h.run.path / "host/usr/local/bg_sandbox_probe"));
  EXPECT_FALSE(fs::exists("/usr/local/bg_sandbox_probe"));
  EXPECT_FALSE(fs::exists("/etc/bg_sandbox_probe"));
  EXPECT_FALSE(fs::exists("/usr/bg_probe"));
  EXPECT_TRUE(fs::exists(h.run.path / "layer/usr/upper/bg_probe"));
  // And the harness reads the host's files, symlinks resolved inside it, through its root.
  core::PathMap paths;
  paths.add("/", h.host->root());
  run_in(*h.host, h.host->whole_host(), "ln -s /etc/nginx/conf.d/app.conf /etc/nginx/linked");
  std::ifstream linked(paths.resolve("/etc/nginx/linked"));
  std::string text;
  std::getline(linked, text);
  EXPECT_EQ(text, "server {}");
}

// Goal: the shims stand at the real programs' paths inside; the machine's files beyond the system
// folders (this test's own binary among them) are not there. (A sanitized build shows the folder its
// reports go to, and only that: core/sanitizer_logs.h.)
TEST(SandboxHost, ShimsAtRealPathsAndNothingOfTheMachineBeyondTheSystem) {
  Host h;
  const auto self = fs::read_symlink("/proc/self/exe");
  Output o = run_in(*h.host, h.host->whole_host(),
                    "readlink /usr/bin/docker; test -e " + self.string() + " && echo test-binary-visible; " +
                        "test -e " + core::shell_quote((self.parent_path() / "CTestTestfile.cmake").string()) +
                        " && echo build-visible; true");
  EXPECT_EQ(o.out, "/run/bluegreen/bluegreen-shim\n");
}

// Goal: a daemon a script leaves behind (setsid, nohup) outlives the script, as on a real instance,
// and dies with the host.
TEST(SandboxHost, EscapedDaemonsOutliveTheScriptAndDieWithTheHost) {
  Host h;
  Output o = run_in(*h.host, h.host->whole_host(), "setsid sh -c 'sleep 1000' >/dev/null 2>&1 < /dev/null & echo $!");
  ASSERT_EQ(o.exit_code, 0);
  // The daemon's pid as the harness sees it: the host's PID namespace numbers differ from ours.
  const pid_t init = h.host->init_pid();
  pid_t daemon = 0;
  ASSERT_TRUE(test_support::wait_until(
      [&] {
        std::ifstream c(fmt::format("/proc/{}/task/{}/children", init, init));
        c >> daemon;
        return daemon > 0;
      },
      2s, "the orphaned daemon to be reparented to the host's init"));
  EXPECT_TRUE(process_alive(daemon));
  h.host->stop();
  EXPECT_TRUE(test_support::wait_until([&] { return !process_alive(daemon); }, 2s, "the daemon to die with the host"));
}

// Goal: a script cannot reach the machine's loopback (its own network has only its own loopback),
// while the entry for the real curl keeps the harness's network.
TEST(SandboxHost, ScriptsHaveNoNetworkButTheirOwnLoopback) {
  test_support::LoopbackListener listener;
  const int port = listener.port();
  Host h;
  const std::string probe = fmt::format("exec 3<>/dev/tcp/127.0.0.1/{} && echo connected || echo refused", port);
  Output inside = run_in(*h.host, h.host->whole_host(), "bash -c '" + probe + "' 2>/dev/null");
  Output curl_side = run_in(*h.host, h.host->files_not_network(), "bash -c '" + probe + "' 2>/dev/null");
  EXPECT_EQ(inside.out, "refused\n");
  EXPECT_EQ(curl_side.out, "connected\n");
}

// Goal: a program that cannot be executed is reported with a shell's exit code, not thrown.
TEST(SandboxHost, MissingProgramIsReportedLikeAShell) {
  Host h;
  core::SpawnRequest r;
  r.argv = {"/no/such/program"};
  r.enter = &h.host->whole_host();
  core::Spawned s = core::spawn_process(r);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error_exit_code, 127);
  EXPECT_NE(s.error.find("/no/such/program"), std::string::npos);
}

}  // namespace bg::fakes

namespace bg::fakes {

// Goal: a program inside the host ends as seen from outside exactly as it ended inside: its exit
// code, or the signal that killed it (the relay re-raises it), and the group the harness signals is
// the program's own.
TEST(SandboxHost, TheRelayEndsAsTheProgramEnded) {
  Host h;
  EXPECT_EQ(run_in(*h.host, h.host->whole_host(), "exit 7").exit_code, 7);
  EXPECT_EQ(run_in(*h.host, h.host->whole_host(), "kill -TERM $$").exit_code, 128 + SIGTERM);
  core::SpawnRequest r;
  r.argv = {"/bin/sleep", "1000"};
  r.enter = &h.host->whole_host();
  core::Spawned s = core::spawn_process(r);
  ASSERT_TRUE(s.ok()) << s.error;
  EXPECT_NE(s.group, s.pid);
  EXPECT_TRUE(core::group_has_live_members(s.group));
  ::kill(-s.group, SIGKILL);
  int status = 0;
  ::waitpid(s.pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

}  // namespace bg::fakes

namespace bg::fakes {

// Goal: the harness reads the init's whole report whatever order its two writers reach the pipe in.
// bluegreen-host writes "pid" after its fork and the init writes "ready" on its own, so "ready" can
// come first; a reader that stopped at "ready" lost the pid and refused the host (CI saw it once in
// a run of some hundreds of hosts). A stand-in init writes the two lines in that order, apart.
TEST(SandboxHost, ReadyBeforeThePidLineStillStartsTheHost) {
  TempDir dir;
  const fs::path init = dir.path / "init-ready-first";
  {
    std::ofstream out(init);
    out << "#!/bin/sh\n"
           "echo ready >&3\n"
           "sleep 0.2\n"
           "echo \"pid $$\" >&3\n"
           "exec 3>&-\n"
           "exec sleep 60\n";
  }
  fs::permissions(init, fs::perms::owner_all);
  SandboxHost host(MountPlan{}, dir.path / "plan.json", init);
  EXPECT_GT(host.init_pid(), 0);
  EXPECT_TRUE(process_alive(host.init_pid()));
  const pid_t pid = host.init_pid();
  host.stop();
  EXPECT_FALSE(process_alive(pid));
}

}  // namespace bg::fakes
