// bluegreen-shim: stands in the run's sandboxed host where docker, docker-compose, nginx, curl, sleep,
// sudo, systemctl... are installed. It forwards its invocation (arguments, cwd, environment, and
// stdin when the command reads it) to the run's ShimServer and plays back the reply: stdout, stderr
// and exit code, or an exec of the reply's command (`sudo cmd` runs cmd). It has no timeout of its
// own shorter than a day: the harness kills a hung script itself.
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fakes/shim/shim_client.h"
#include "fakes/shim/shim_protocol.h"

namespace {

using bg::fakes::ShimReply;
using bg::fakes::ShimRequest;

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string read_stdin() {
  if (::isatty(STDIN_FILENO)) return "";
  std::string data;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

ShimRequest make_request(int argc, char** argv) {
  ShimRequest req;
  req.program = std::filesystem::path(argv[0]).filename().string();
  for (int i = 1; i < argc; ++i) req.args.push_back(argv[i]);
  // Called by its own name, the first argument names the program (handy by hand and in tests).
  if (req.program == "bluegreen-shim" && !req.args.empty()) {
    req.program = req.args.front();
    req.args.erase(req.args.begin());
  }
  std::error_code ec;
  req.cwd = std::filesystem::current_path(ec).string();
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) req.env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (bg::fakes::reads_stdin(req.program, req.args)) req.stdin = read_stdin();
  req.pid = static_cast<int>(::getpid());
  return req;
}

int exec_reply(const ShimReply& reply) {
  std::vector<char*> argv;
  for (const auto& a : reply.exec) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : reply.exec_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (reply.exec_env.empty())
    ::execv(argv[0], argv.data());
  else
    ::execve(argv[0], argv.data(), envp.data());
  std::fprintf(stderr, "bluegreen-shim: exec %s: %s\n", argv[0], std::strerror(errno));
  return 127;
}

}  // namespace

int main(int argc, char** argv) {
  const char* socket_path = std::getenv(bg::fakes::kShimSocketEnv);
  std::string program = std::filesystem::path(argv[0]).filename().string();
  if (!socket_path || !*socket_path) {
    std::fprintf(stderr,
                 "%s: %s is not set: this '%s' is the bluegreen harness's shim and only works inside a bluegreen "
                 "run\n",
                 program.c_str(), bg::fakes::kShimSocketEnv, program.c_str());
    return 127;
  }
  ShimRequest request = make_request(argc, argv);
  nlohmann::json body = request;
  // The reply has no deadline: the harness kills a hung script itself.
  const auto res = bg::fakes::post_to_shim_server(socket_path, bg::fakes::kShimPath,
                                                  body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                                  std::chrono::seconds(10));
  if (!res.reached || res.status != 200) {
    std::fprintf(stderr, "%s: cannot reach the bluegreen harness at %s: %s\n", program.c_str(), socket_path,
                 res.reached ? ("HTTP " + std::to_string(res.status)).c_str() : res.error.c_str());
    return 127;
  }
  ShimReply reply;
  try {
    reply = nlohmann::json::parse(res.body).get<ShimReply>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: malformed reply from the bluegreen harness: %s\n", program.c_str(), e.what());
    return 127;
  }
  if (!reply.exec.empty()) return exec_reply(reply);
  write_all(STDOUT_FILENO, reply.out);
  write_all(STDERR_FILENO, reply.err);
  return reply.exit_code;
}
