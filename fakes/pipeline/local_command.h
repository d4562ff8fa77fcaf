#pragma once
// run_local_command: runs one of the harness's own tools (git, unzip, tar) on run folders, outside
// any sandboxed host, to completion — how the pipeline's fakes do what GitHub, actions/checkout,
// drone-scp and the CodeDeploy agent do with those tools. Not for users' scripts (they run in the
// run's hosts): the arguments here are the fakes' own, the paths the run's folders.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bg::fakes {

struct LocalCommandResult {
  int exit_code = -1;  // 128+signal when a signal ended it; -1 when it could not be started
  std::string out;
  std::string err;
};

// `argv[0]` is an absolute path. The environment is exactly `env` (nothing inherited).
LocalCommandResult run_local_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                                     const std::map<std::string, std::string>& env);

}  // namespace bg::fakes
