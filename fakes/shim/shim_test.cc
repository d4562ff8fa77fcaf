#include "fakes/shim/shim_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bg::fakes {
namespace {
namespace fs = std::filesystem;

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `argv` with `env`, feeding `input` on stdin; reads stdout and stderr until both close or
// the 10 s deadline passes (then the child is killed). Nothing outlives the call.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input, const fs::path& cwd) {
  int in[2], out[2], err[2];
  EXPECT_EQ(::pipe2(in, O_CLOEXEC) | ::pipe2(out, O_CLOEXEC) | ::pipe2(err, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0), ::dup2(out[1], 1), ::dup2(err[1], 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr), e.push_back(nullptr);
    ::execve(a[0], a.data(), e.data());
    ::_exit(127);
  }
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  if (!input.empty()) {
    EXPECT_EQ(::write(in[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  }
  ::close(in[1]);
  ProcessResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open = 2;
  while (open > 0) {
    if (::poll(fds, 2, 10000) <= 0) break;  // deadline
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  if (open > 0) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A bin folder with the shim installed under the names a run uses, and a server echoing requests.
struct ShimWorld {
  fs::path dir;
  std::mutex last_mutex;
  ShimRequest last;
  std::unique_ptr<ShimServer> server;

  ShimWorld() {
    char tmpl[] = "/tmp/bg-shim-XXXXXX";
    dir = ::mkdtemp(tmpl);
    for (const char* name : {"docker-compose", "docker", "sudo"}) fs::create_symlink(BLUEGREEN_SHIM_PATH, dir / name);
    server = std::make_unique<ShimServer>(dir / "shim.sock", [this](const ShimRequest& req, std::stop_token) {
      // The server's thread writes it, the test reads it after the shim process exits: no C++
      // happens-before through another process, so a mutex (TSan: data race).
      std::lock_guard lock(last_mutex);
      last = req;
      if (req.program == "sudo")
        return ShimReply{0,
                         "",
                         "",
                         {"/bin/sh", "-c", "echo \"$0 $SUDO_USER ${PORT:-unset}\"", req.args.at(0)},
                         {{"SUDO_USER", "ec2-user"}}};
      return ShimReply{3, fmt::format("{}\n", fmt::join(req.args, " ")), "progress on stderr\n", {}};
    });
    server->start();
  }
  ShimRequest last_request() {
    std::lock_guard lock(last_mutex);
    return last;
  }
  ~ShimWorld() {
    server.reset();
    fs::remove_all(dir);
  }
  ProcessResult run(const std::string& name, std::vector<std::string> args, const std::string& input = "",
                    bool with_socket = true) {
    args.insert(args.begin(), (dir / name).string());
    std::vector<std::string> env = {"DEPLOYMENT_ID=d-123", "LIFECYCLE_EVENT=ApplicationStart", "PATH=/usr/bin:/bin"};
    if (with_socket) env.push_back(std::string(kShimSocketEnv) + "=" + (dir / "shim.sock").string());
    return run_process(args, env, input, dir);
  }
};

// Goal: a number no int holds, in a reply's exit code or a request's pid, is refused as a value of
// the wrong type, not converted with undefined behaviour (found by bg_fuzz_shim_protocol).
TEST(ShimProtocol, NumbersNoIntHoldsAreRefused) {
  EXPECT_THROW(nlohmann::json::parse(R"({"exit_code": 5.8e94})").get<ShimReply>(), nlohmann::json::type_error);
  EXPECT_THROW(nlohmann::json::parse(R"({"program": "docker", "pid": -1e30})").get<ShimRequest>(),
               nlohmann::json::type_error);
  EXPECT_EQ(nlohmann::json::parse(R"({"exit_code": 3})").get<ShimReply>().exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(R"({"program": "docker", "pid": 42})").get<ShimRequest>().pid, 42);
}

// Goal: the real bluegreen-shim, called as docker-compose, forwards program, args, cwd and the whole
// environment, and plays back stdout, stderr and the exit code; it leaves stdin alone, because
// `docker-compose ps` does not read it (a `while read` loop's input stays the script's).
TEST(Shim, RoundTripThroughTheRealExecutable) {
  ShimWorld w;
  ProcessResult r = w.run("docker-compose", {"-p", "blue", "ps"}, "piped input");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "-p blue ps\n");
  EXPECT_EQ(r.err, "progress on stderr\n");
  const ShimRequest last = w.last_request();
  EXPECT_EQ(last.program, "docker-compose");
  EXPECT_EQ(last.cwd, fs::canonical(w.dir).string());
  EXPECT_EQ(last.stdin, "");
  EXPECT_EQ(last.env.at("DEPLOYMENT_ID"), "d-123");
  EXPECT_EQ(last.env.at("PATH"), "/usr/bin:/bin");
  EXPECT_EQ(last.env.count(kShimSocketEnv), 1u);
}

// Goal: stdin is sent along for a command that reads it.
TEST(Shim, ForwardsStdinWhenTheCommandReadsIt) {
  ShimWorld w;
  w.run("docker", {"login", "-u", "ci", "--password-stdin", "registry"}, "secret");
  EXPECT_EQ(w.last_request().stdin, "secret");
}

// Goal: a reply with `exec` replaces the shim with that program, in the environment the reply gives
// (how `sudo cmd` runs cmd with sudo's reset environment).
TEST(Shim, ExecReplyRunsTheNamedProgramInItsEnvironment) {
  ShimWorld w;
  ProcessResult r = w.run("sudo", {"whoami"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "whoami ec2-user unset\n");
}

// Goal: outside a run (no socket variable, or nobody listening) the shim says so and exits 127.
TEST(Shim, FailsClearlyOutsideARun) {
  ShimWorld w;
  ProcessResult r = w.run("docker-compose", {"ps"}, "", false);
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("BLUEGREEN_SHIM_SOCKET is not set"), std::string::npos) << r.err;
  w.server->stop();
  EXPECT_FALSE(fs::exists(w.dir / "shim.sock"));
  ProcessResult down = w.run("docker-compose", {"ps"});
  EXPECT_EQ(down.exit_code, 127);
  EXPECT_NE(down.err.find("cannot reach the bluegreen harness"), std::string::npos) << down.err;
}

}  // namespace
}  // namespace bg::fakes
