#pragma once
// CodeDeployService: the CodeDeploy API in front of the run's agent, as `aws deploy` reaches it —
// CreateDeployment returns once the deployment exists (it then runs on its own, on a thread of this
// service) or fails with DeploymentLimitExceededException when the group has an active one
// (semantics.md §4 "Concurrency"); GetDeployment reports its status (Created, InProgress,
// Succeeded, Failed, Stopped) and errorInformation. The revision is the object the workflow
// uploaded to the run's S3, unpacked as the agent unpacks it (aws-codedeploy-agent
// lib/instance_agent/platform/linux_util.rb: `unzip -qo BUNDLE -d DST`, `tar -xpsf`, `tar -zxvpsf`).
//
// The run has one application and one deployment group: the names the first CreateDeployment
// gives. A second group is not modelled.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/scenario_condition.h"
#include "core/events.h"
#include "fakes/codedeploy/agent.h"

namespace bg::fakes {

// One CreateDeployment, as the agent needs it.
struct DeploymentRequest {
  int number = 0;                    // the workflow run that created it (deployment ids derive from it)
  std::filesystem::path bundle_dir;  // the unpacked revision (appspec.yml at its root)
  std::string application;
  std::string group;
  std::string config_name = "CodeDeployDefault.OneAtATime";
  std::string description;
  std::string file_exists_behavior;  // "" = the appspec's (DISALLOW by default)
  bool ignore_application_stop_failures = false;
};
using StartDeployment = std::function<DeploymentResult(const DeploymentRequest&, std::stop_token)>;

struct S3Location {
  std::string bucket, key, bundle_type;  // bundle_type: zip, tar, tgz
};

struct DeploymentInfo {
  std::string id;
  int number = 0;
  std::string application, group, config_name, description, file_exists_behavior;
  S3Location revision;
  std::string status;      // Created, InProgress, Succeeded, Failed, Stopped
  std::string error_code;  // errorInformation.code when Failed
  std::string error_message;
  bool ignore_application_stop_failures = false;
  core::Time create_time{}, complete_time{};
};

// A CreateDeployment the service refused: the API error's code and message.
struct ApiError {
  std::string code;
  std::string message;
};

struct CodeDeployServiceOptions {
  std::filesystem::path s3_root;   // objects at <s3_root>/<bucket>/<key>
  std::filesystem::path work_dir;  // unpacked revisions
  StartDeployment start;           // the agent's deploy (blocks until the deployment ends)
  // Called after a deployment ended (busy() may have changed), outside the service's lock: the
  // pipeline's wait for idle is woken by it.
  std::function<void()> on_ended;
};

class CodeDeployService {
 public:
  CodeDeployService(core::Clock& clock, CodeDeployServiceOptions options);
  ~CodeDeployService();  // shutdown()
  CodeDeployService(const CodeDeployService&) = delete;
  CodeDeployService& operator=(const CodeDeployService&) = delete;

  // CreateDeployment for workflow run `request.number`: the deployment id, or the API's error.
  // Blocks until the agent has started it or refused it. Throws core::NotModelled for a second
  // deployment group, or a second deployment created by one workflow run.
  std::variant<std::string, ApiError> create(DeploymentRequest request, const S3Location& revision);
  std::optional<DeploymentInfo> get(const std::string& id) const;
  // Forward the agent's events (AgentOptions::on_event): deployment_started ends create()'s wait.
  void on_agent_event(const core::DeployEvent& event);
  // Whether deployment `number` (by workflow run) was created, and its outcome once it ended.
  std::optional<DeploymentResult> result_of(int number) const;
  bool busy() const;  // a deployment is still running
  void shutdown();

 private:
  struct Entry;
  std::optional<ApiError> unpack(const S3Location& revision, const std::filesystem::path& into) const;

  core::Clock& clock_;
  CodeDeployServiceOptions options_;
  mutable std::mutex mutex_;
  core::ScenarioCondition changed_;
  std::map<std::string, std::unique_ptr<Entry>> deployments_;  // by id
  std::optional<std::string> application_, group_;
  std::vector<std::jthread> threads_;
  std::stop_source stop_;
};

}  // namespace bg::fakes
