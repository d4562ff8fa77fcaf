#include "fakes/shim/shim_server.h"

#include "fakes/shim/http_client_command.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <thread>
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
    for (const char* name : {"docker-compose", "docker", "sudo", "curl"})
      fs::create_symlink(BLUEGREEN_SHIM_PATH, dir / name);
    server = std::make_unique<ShimServer>(dir / "shim.sock", [this](const ShimRequest& req, std::stop_token) {
      // The server's thread writes it, the test reads it after the shim process exits: no C++
      // happens-before through another process, so a mutex (TSan: data race).
      std::lock_guard lock(last_mutex);
      last = req;
      if (req.program == "docker" && req.args.size() == 3 && req.args[0] == "echo-back")
        return ShimReply{7, req.args[1], req.args[2], {}};
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

// Goal: curl's stdin is sent along exactly when the real curl reads it (curl_options.h; checked
// against the real curl in http_client_emulation_test.cc), and then the live plan hands it to the
// real curl too: a request would otherwise go out without its body or headers. Where curl reads no
// stdin (a file named "@-", a usage error), it stays the script's.
TEST(Shim, ForwardsCurlsStdinExactlyWhenCurlReadsIt) {
  ShimWorld w;
  const AddressBook owned = [](const std::string&, uint16_t port) { return std::optional<uint16_t>(port); };
  const std::vector<std::vector<std::string>> reading = {{"-d", "@-", "localhost"},
                                                         {"-d@-", "localhost"},
                                                         {"-sd@-", "localhost"},
                                                         {"--data", "@-", "localhost"},
                                                         {"--data-bin", "@-", "localhost"},
                                                         {"--json", "@-", "localhost"},
                                                         {"--data-urlencode", "name@-", "localhost"},
                                                         {"-H", "@-", "localhost"},
                                                         {"-w", "@-", "localhost"},
                                                         {"-F", "f=<-", "localhost"},
                                                         {"-b", "-", "localhost"},
                                                         {"-T", "-", "localhost"},
                                                         {"-sT.", "localhost"},
                                                         {"-X", "POST", "-fsS", "--data-binary", "@-", "localhost"},
                                                         {"-A", "--", "-d", "@-", "localhost"}};
  for (const auto& args : reading) {
    ASSERT_TRUE(plan_curl(args, owned, 1, 1).reads_stdin) << fmt::format("{}", fmt::join(args, " "));
    w.run("curl", args, "body");
    EXPECT_EQ(w.last_request().stdin, "body") << fmt::format("{}", fmt::join(args, " "));
  }
  const std::vector<std::vector<std::string>> not_reading = {{"-o", "@-", "localhost"},
                                                             {"--output", "@-", "localhost"},
                                                             {"-so", "@-", "localhost"},
                                                             {"--data-raw", "@-", "localhost"},
                                                             {"-d", "x=1", "localhost"},
                                                             {"-fsS", "localhost"},
                                                             {"--data-binary=@-", "localhost"},
                                                             {"--upload-file=-", "localhost"},
                                                             {"--data-urlencode", "n=@-", "localhost"},
                                                             {"-b", "a=-", "localhost"},
                                                             {"--", "-d", "@-"},
                                                             {"-T", "-"},
                                                             {"--bogus", "-d", "@-", "localhost"}};
  for (const auto& args : not_reading) {
    EXPECT_FALSE(plan_curl(args, owned, 1, 1).reads_stdin) << fmt::format("{}", fmt::join(args, " "));
    w.run("curl", args, "the script's");
    EXPECT_EQ(w.last_request().stdin, "") << fmt::format("{}", fmt::join(args, " "));
  }
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

// What the harness reads of a string the shim sent, and what the shim prints of a string the harness
// answered: nlohmann's dump with error_handler_t::replace (invalid UTF-8 becomes U+FFFD), then parse.
std::string through_json(const std::string& s) {
  return nlohmann::json::parse(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

// Strings a script's arguments and environment hold: plain, quoted, escaped, UTF-8 and not.
const std::vector<std::string> kAwkwardStrings = {"",
                                                  "plain",
                                                  "say \"hi\" \\ to C:\\path",
                                                  "tab\there, newline\nthere, cr\r, bell\x07, esc\x1b, del\x7f",
                                                  "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
                                                  "cut short \xe2\x9c",
                                                  "stray \x80 continuation",
                                                  "bad lead \xc3( then ascii",
                                                  "overlong \xc0\xaf and surrogate \xed\xa0\x80",
                                                  "\xff\xfe"};

// Goal: the C shim sends the bytes nlohmann would have (the C++ shim's encoder): each argument and
// environment value the harness reads is the one nlohmann's dump and parse give, invalid UTF-8 too.
TEST(Shim, SendsEveryStringAsNlohmannWould) {
  ShimWorld w;
  for (const auto& s : kAwkwardStrings) {
    ProcessResult r = w.run("docker-compose", {s, "next"});
    ASSERT_EQ(r.exit_code, 3) << r.err;
    const ShimRequest last = w.last_request();
    ASSERT_EQ(last.args.size(), 2u);
    EXPECT_EQ(last.args[0], through_json(s))
        << "argument " << nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(last.args[1], "next");
  }
}

// Goal: the same on arbitrary bytes (no NUL: an argument cannot hold one), in an argument and in an
// environment value, and back: what the harness answers on stdout and stderr is printed as nlohmann
// read it.
RC_GTEST_PROP(Shim, ArbitraryBytesCrossTheWireAsNlohmannCarriesThem, (const std::string& raw)) {
  std::string s;
  for (const char c : raw)
    if (c != '\0') s += c;
  ShimWorld w;
  ProcessResult there = w.run("docker-compose", {s});
  RC_ASSERT(there.exit_code == 3);
  RC_ASSERT(w.last_request().args == std::vector<std::string>{through_json(s)});
  ProcessResult back = w.run("docker", {"echo-back", s, s + "!"});
  RC_ASSERT(back.exit_code == 7);
  RC_ASSERT(back.out == through_json(s));
  RC_ASSERT(back.err == through_json(s + "!"));
}

// A Unix socket server that answers every request with one canned HTTP response, for replies the
// ShimServer never sends. Serves until destroyed; every wait has a deadline.
struct CannedServer {
  fs::path path;
  std::string response;
  int fd = -1;
  std::jthread thread;

  CannedServer(fs::path at, std::string canned) : path(std::move(at)), response(std::move(canned)) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    thread = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        std::string got;
        char buf[4096];
        pollfd c{client, POLLIN, 0};
        // The request's head and body: read until the shim has sent all (it then waits for us).
        while (::poll(&c, 1, 2000) > 0) {
          const ssize_t n = ::read(client, buf, sizeof buf);
          if (n <= 0) break;
          got.append(buf, static_cast<size_t>(n));
          const auto head = got.find("\r\n\r\n");
          const auto length = got.find("Content-Length: ");
          if (head != std::string::npos && length != std::string::npos &&
              got.size() >= head + 4 + std::stoul(got.substr(length + 16)))
            break;
        }
        EXPECT_EQ(::write(client, response.data(), response.size()), static_cast<ssize_t>(response.size()));
        ::close(client);
      }
    });
  }
  ~CannedServer() {
    thread.request_stop();
    thread.join();
    ::close(fd);
    fs::remove(path);
  }
};

std::string http_ok(const std::string& body) {
  return fmt::format("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}", body.size(),
                     body);
}

// Goal: the shim reads every JSON the harness could send as nlohmann would: \u escapes and surrogate
// pairs, a whole float as the exit code, fields it does not know (of any type) read past; and it
// refuses, with exit 127 and a message, a reply without an exit code, with one no int holds, with
// a lone surrogate, or not JSON at all; an HTTP error is named.
TEST(Shim, ReadsRepliesAsNlohmannDoesAndRefusesMalformedOnes) {
  ShimWorld w;
  const fs::path socket = w.dir / "canned.sock";
  auto run = [&](const std::string& response) {
    CannedServer server(socket, response);
    return run_process({(w.dir / "docker").string(), "ps"}, {std::string(kShimSocketEnv) + "=" + socket.string()}, "",
                       w.dir);
  };
  ProcessResult ok = run(http_ok(
      R"({"err":"w\u00e4rning\t","exit_code":3,"extra":{"a":[1,-2.5e3,true,false,null,{"b":"\"}"}]},"out":"a\u00e9\ud83d\ude00\/\n"})"));
  EXPECT_EQ(ok.exit_code, 3) << ok.err;
  EXPECT_EQ(ok.out, "a\xc3\xa9\xf0\x9f\x98\x80/\n");
  EXPECT_EQ(ok.err, "w\xc3\xa4rning\t");
  EXPECT_EQ(run(http_ok(R"({"exit_code": 2.0, "out": "", "err": ""})")).exit_code, 2);
  EXPECT_EQ(run(http_ok(R"({"exit_code":1,"exit_code":4})")).exit_code, 4) << "the last of a name given twice";
  EXPECT_EQ(run(http_ok(R"({"exit_code\u0000x":5,"exit_code":2})")).exit_code, 2) << "a key is all its bytes";
  ProcessResult env = run(http_ok(
      R"({"exit_code":0,"exec":["/bin/sh","-c","echo $B"],"exec_env":{"A\u0000":"x","B":"y","A=B":"z","B":"w"}})"));
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out, "w\n") << "the last B, and names holding NUL or '=' kept apart";
  for (const std::string& bad :
       {std::string(R"({"out":"x"})"), std::string(R"({"exit_code\u0000":1})"), std::string(R"({"exit_code":5.8e94})"),
        std::string(R"({"exit_code":0,"out":"\ud800"})"), std::string(R"({"exit_code":0,"out":7})"),
        std::string("not json"), std::string(R"({"exit_code":0} trailing)")}) {
    ProcessResult r = run(http_ok(bad));
    EXPECT_EQ(r.exit_code, 127) << bad;
    EXPECT_NE(r.err.find("docker: malformed reply from the bluegreen harness: "), std::string::npos)
        << bad << ": " << r.err;
    EXPECT_EQ(r.out, "") << bad;
  }
  ProcessResult refused = run("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(refused.exit_code, 127);
  EXPECT_NE(refused.err.find("cannot reach the bluegreen harness at " + socket.string() + ": HTTP 500"),
            std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace bg::fakes
