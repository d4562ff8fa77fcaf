#pragma once
// DeployFiles: how the folder deploys, read from appspec.yml (CodeDeploy: where the revision is
// installed, which scripts run on which hook, as whom) and .github/workflows/*.yml (GitHub Actions:
// an appleboy/ssh-action step's script run on the host, or `aws deploy create-deployment` handing
// the revision to CodeDeploy; images the workflow builds and pushes).
#include <string>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

struct Hook {
  std::string event, location;  // "ApplicationStart", "scripts/deploy.sh" (leading '/' dropped)
  std::string runas;
  Source at;
};

struct Appspec {
  bool present = false;
  std::string destination;  // the first files entry's destination
  Source destination_at;
  std::vector<Hook> hooks;
};

struct SshStep {
  Source at;           // the `uses: appleboy/ssh-action...` line
  ShellScript script;  // its `script:`, as run on the host
  Source user_at;
};

struct Workflow {
  std::string file;
  std::vector<SshStep> ssh_steps;
  std::vector<Source> create_deployment;   // `aws deploy create-deployment` in a run: step
  std::vector<Named> pushed_images;        // docker/build-push-action tags and `docker push` (resolved)
  std::vector<std::string> push_branches;  // on.push.branches
};

struct DeployFiles {
  Appspec appspec;
  std::vector<Workflow> workflows;
};

// Throws SurveyError naming file and line when appspec.yml or a workflow is not valid YAML.
DeployFiles read_deploy_files(const FolderFiles& folder);

}  // namespace bg::survey
