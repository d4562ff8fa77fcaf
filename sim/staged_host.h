#pragma once
// StagedHost: the run's folder and the sandboxed host the deploy scripts run on, staged from the
// user's folder before anything runs. The inputs are checked first and named by the user's files
// (the appspec, every compose file, the workflows); then the host's layout with the shims at the
// real programs' paths, its /etc/nginx (scenario.yaml host.nginx), the files and symlinks an admin
// set up by hand (host.files, host.symlinks), the BASH_ENV that names script lines for the shims,
// and, for a folder that deploys through a GitHub workflow, the run's repository and the admin's
// clones of it. It also answers which of the user's files a host path or a message stands for.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "fakes/codedeploy/appspec.h"
#include "scenarios/scenario.h"

namespace bg::fakes {
class HostLayout;
class SandboxHost;
class GitOrigin;
struct Workflow;
}  // namespace bg::fakes

namespace bg::sim {

class RunFolder;

// Where the host keeps what the run puts there.
inline constexpr const char* kNginxDir = "/etc/nginx";
inline constexpr const char* kDeploymentRoot = "/opt/codedeploy-agent/deployment-root";
// The branch every push of a run goes to.
inline constexpr const char* kBranch = "main";
// Where every host of the run sees the run's GitHub repositories.
inline constexpr const char* kOriginsInside = "/run/bluegreen-github";

class StagedHost {
 public:
  // Throws on bad input, naming the user's file and line; whatever was made by then is removed.
  StagedHost(const scenarios::Scenario& scenario, bool keep_run_dir);
  ~StagedHost();
  StagedHost(const StagedHost&) = delete;
  StagedHost& operator=(const StagedHost&) = delete;

  RunFolder& folder() { return *folder_; }
  const std::filesystem::path& dir() const;
  fakes::HostLayout& layout() { return *layout_; }
  fakes::SandboxHost& host() { return *host_; }
  // The host's files as the harness reaches them ("/" is the host's root).
  core::PathMap& paths() { return paths_; }
  // The host's own folders as run folders (a hard link can be made to them).
  const core::PathMap& own_paths() const { return own_paths_; }
  // The workflow a push to main runs, when the folder deploys through GitHub Actions; null else.
  const fakes::Workflow* workflow() const { return workflow_.get(); }
  // The run's GitHub repository (only with a workflow); null else.
  fakes::GitOrigin* origin() { return origin_.get(); }

  // The user's own file for a script path on the host: the deployment archive CodeDeploy unpacked,
  // or where the appspec's `files` copied the revision; "" for anything else.
  std::string user_file(const std::string& on_host) const;
  // The message with each host file the run placed from the user's folder, and that is still as
  // placed, named as the user's file: `in /etc/nginx/nginx.conf:15` becomes `in <folder>/nginx.conf:15`
  // (the same lines). A file the deployment has changed since keeps its host path.
  std::string users_files_named(std::string message) const;

 private:
  void check_inputs(const scenarios::Scenario& scenario);
  void start_host(const scenarios::Scenario& scenario);
  void set_up_nginx_folder(const scenarios::Scenario& scenario);
  void place_host_files(const scenarios::Scenario& scenario);
  void write_bash_env();
  void set_up_github(const scenarios::Scenario& scenario);
  // Declared first so that it goes last: the host is stopped before its folder is removed.
  std::unique_ptr<RunFolder> folder_;
  core::PathMap paths_;
  core::PathMap own_paths_;
  std::map<std::string, std::filesystem::path> placed_;  // host path -> the user's file it was copied from
  std::vector<fakes::FileMapping> appspec_files_;        // the revision's `files`: where scripts get copied
  std::unique_ptr<fakes::Workflow> workflow_;
  std::unique_ptr<fakes::GitOrigin> origin_;
  std::unique_ptr<fakes::HostLayout> layout_;
  std::unique_ptr<fakes::SandboxHost> host_;
};

}  // namespace bg::sim
