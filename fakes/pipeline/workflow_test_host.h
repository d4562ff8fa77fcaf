#pragma once
// A WorkflowHost for tests: a temporary folder stands for the host's root, and commands run on this
// machine with their host paths (argv, cwd) mapped to it. Scripts under test must not rely on other
// absolute host paths. Records every command it ran.
#include <mutex>
#include <vector>

#include "fakes/pipeline/local_command.h"
#include "fakes/pipeline/workflow_hosts.h"

namespace bg::fakes::testing {

class TestHost : public WorkflowHost {
 public:
  explicit TestHost(const std::filesystem::path& root) { files_.add("/", root); }
  const core::PathMap& files() const override { return files_; }

  HostCommandResult run(const HostCommand& command, std::stop_token) override {
    std::vector<std::string> argv;
    for (const auto& a : command.argv) argv.push_back(!a.empty() && a[0] == '/' ? files_.resolve(a).string() : a);
    if (!argv.empty() && argv[0].find('/') == std::string::npos) argv[0] = "/usr/bin/env", argv.insert(argv.begin() + 1, command.argv[0]);
    auto env = command.env;
    // Paths in variables ($GITHUB_OUTPUT, $GITHUB_WORKSPACE, $HOME) are host paths too.
    for (auto& [k, v] : env)
      if (!v.empty() && v[0] == '/' && v.find(':') == std::string::npos) v = files_.resolve(v).string();
    env["PATH"] = "/usr/bin:/bin";
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

 private:
  core::PathMap files_;
  std::mutex mutex_;
};

}  // namespace bg::fakes::testing
