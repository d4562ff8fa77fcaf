#pragma once
// A WorkflowHost for tests: a temporary folder stands for the host's root, and commands run on this
// machine with their host paths (argv, cwd, variables holding a path) mapped to it. Scripts under
// test must not rely on other absolute host paths. `intercept(program, handler)` puts a stub of
// `program` first on the PATH that hands each call to `handler` in this process (what the run's
// shims do on a real host), through files and a FIFO in the host folder. Records every command.
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "core/command_result.h"
#include "fakes/pipeline/local_command.h"
#include "fakes/pipeline/workflow_hosts.h"

namespace bg::fakes::test_support {

using StubHandler = std::function<core::CommandResult(const std::vector<std::string>& args, const std::string& cwd,
                                                      const std::map<std::string, std::string>& env)>;

class TestHost : public WorkflowHost {
 public:
  explicit TestHost(const std::filesystem::path& root) : root_(root) {
    files_.add("/", root);
    std::filesystem::create_directories(root_ / ".stubs/calls");
    ::mkfifo((root_ / ".stubs/requests").c_str(), 0600);
  }
  ~TestHost() override {
    if (!server_.joinable()) return;
    server_.request_stop();
    std::ofstream(root_ / ".stubs/requests") << "stop\n";  // wakes the server's blocking read
    server_.join();
  }
  const core::PathMap& files() const override { return files_; }

  // Calls of `program` go to `handler` (its cwd is the host path; variables as the caller had them).
  void intercept(const std::string& program, StubHandler handler) {
    handlers_[program] = std::move(handler);
    const auto stub = root_ / ".stubs" / program;
    std::ofstream(stub)
        << "#!/bin/bash\n"
           "d=$(mktemp -d \"$BG_STUB_DIR/calls/" +
               program +
               ".XXXXXX\")\n"
               "printf '%s\\0' \"$@\" > \"$d/args\"; env -0 > \"$d/env\"; pwd > \"$d/cwd\"\n"
               "mkfifo \"$d/done\"; echo \"$d\" > \"$BG_STUB_DIR/requests\"; cat \"$d/done\" > /dev/null\n"
               "cat \"$d/out\"; cat \"$d/err\" >&2; exit \"$(cat \"$d/code\")\"\n";
    ::chmod(stub.c_str(), 0755);
    if (!server_.joinable()) server_ = std::jthread([this](std::stop_token stop) { serve(stop); });
  }

  HostCommandResult run(const HostCommand& command, std::stop_token) override {
    std::vector<std::string> argv;
    for (const auto& a : command.argv) argv.push_back(!a.empty() && a[0] == '/' ? files_.resolve(a).string() : a);
    if (!argv.empty() && argv[0].find('/') == std::string::npos)
      argv[0] = "/usr/bin/env", argv.insert(argv.begin() + 1, command.argv[0]);
    auto env = command.env;
    // Paths in variables ($GITHUB_OUTPUT, $GITHUB_WORKSPACE, $HOME) are host paths too.
    for (auto& [k, v] : env)
      if (!v.empty() && v[0] == '/' && v.find(':') == std::string::npos) v = files_.resolve(v).string();
    env["PATH"] = (root_ / ".stubs").string() + ":/usr/bin:/bin";
    env["BG_STUB_DIR"] = (root_ / ".stubs").string();
    for (const auto& [k, v] : extra_env) env[k] = v;
    {
      std::lock_guard lock(mutex_);
      commands.push_back(command);
    }
    LocalCommandResult r = run_local_command(argv, files_.resolve(command.cwd), env);
    HostCommandResult out;
    out.exit_code = r.exit_code;
    out.out = r.out;
    out.err = r.err;
    return out;
  }

  std::vector<HostCommand> commands;
  std::map<std::string, std::string> extra_env;  // added to every command's environment

 private:
  static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::vector<std::string> split0(const std::string& s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < s.size()) {
      const size_t end = s.find('\0', pos);
      out.push_back(s.substr(pos, end - pos));
      pos = end + 1;
    }
    return out;
  }

  // Blocks on the requests FIFO (one line per call: its folder) until the destructor's "stop".
  void serve(std::stop_token stop) {
    namespace fs = std::filesystem;
    while (!stop.stop_requested()) {
      std::ifstream requests(root_ / ".stubs/requests");
      for (std::string line; std::getline(requests, line);) {
        if (line == "stop") return;
        const fs::path call(line);
        const std::string name = call.filename().string();
        const std::string program = name.substr(0, name.rfind('.'));
        std::map<std::string, std::string> env;
        for (const auto& kv : split0(slurp(call / "env")))
          env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
        std::string cwd = slurp(call / "cwd");
        cwd.pop_back();
        const std::string root = root_.string();
        if (cwd.rfind(root, 0) == 0) cwd = cwd.size() == root.size() ? "/" : cwd.substr(root.size());
        core::CommandResult r = handlers_.at(program)(split0(slurp(call / "args")), cwd, env);
        std::ofstream(call / "out") << r.out;
        std::ofstream(call / "err") << r.err << r.not_modelled;
        std::ofstream(call / "code") << r.exit_code;
        std::ofstream(call / "done") << "x";
      }
    }
  }

  std::filesystem::path root_;
  core::PathMap files_;
  std::mutex mutex_;
  std::map<std::string, StubHandler> handlers_;
  std::jthread server_;
};

}  // namespace bg::fakes::test_support
