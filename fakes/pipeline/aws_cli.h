#pragma once
// AwsCli: the `aws` command (AWS CLI v2, messages and exit codes of aws-cli 2.27: awscli/constants.py
// 252 parameter errors, 253 configuration, 254 service errors, 255 anything else;
// awscli/errorhandler.py prints "\n<message>\n" on stderr) as a workflow's run: steps use it, over
// the run's own AWS: an S3 of folders and the CodeDeploy service in front of the run's agent.
// Modelled: `s3 cp` (a file or, with --recursive, a folder, to and from S3), `deploy
// create-deployment` / `get-deployment` / `wait deployment-successful`, `configure set|get`, `sts
// get-caller-identity`; global --region, --output json|text, --query (a field path). Anything else
// — another service, command or option the real CLI has — is not modelled; an option the real
// command does not have gets the CLI's own "Unknown options" (exit 252).
//
// A pure command handler: the shim side (the runner host's `aws`) calls run() with the caller's
// arguments, working directory, environment and files; nothing here touches the machine's AWS.
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/command_result.h"
#include "core/path_map.h"
#include "fakes/pipeline/codedeploy_service.h"

namespace bg::fakes {

struct AwsCaller {
  int run = 0;                           // the workflow run whose step calls (CodeDeploy numbers from it)
  std::string host_id;                   // the calling host (`aws configure set` state is per host)
  const core::PathMap* files = nullptr;  // the caller's files
  std::string cwd;                       // the caller's working directory, a host path
  std::map<std::string, std::string> env;
};

class AwsCli {
 public:
  AwsCli(core::Clock& clock, std::filesystem::path s3_root, CodeDeployService& codedeploy);

  // One `aws ...` call, to its end (`aws deploy wait` blocks, polling every 15 s of scenario time).
  core::CommandResult run(const std::vector<std::string>& args, const AwsCaller& caller, std::stop_token stop = {});

  // Where an S3 object lives in the run (for tests and the lead's reports).
  std::filesystem::path object_path(const std::string& bucket, const std::string& key) const;

 private:
  struct Call;
  core::CommandResult s3(Call& call);
  core::CommandResult s3_cp(Call& call);
  core::CommandResult configure(Call& call);
  core::CommandResult sts(Call& call);
  core::CommandResult deploy(Call& call, std::stop_token stop);
  core::CommandResult create_deployment(Call& call);
  core::CommandResult get_deployment(Call& call);
  core::CommandResult wait_deployment(Call& call, std::stop_token stop);
  std::optional<std::string> configured(const AwsCaller& caller, const std::string& key) const;

  core::Clock& clock_;
  std::filesystem::path s3_root_;
  CodeDeployService& codedeploy_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> configured_;  // host -> key -> value
};

}  // namespace bg::fakes
