#include "fakes/pipeline/codedeploy_service.h"

#include <fmt/format.h>

#include "core/actor_thread.h"
#include "core/not_modelled.h"
#include "fakes/pipeline/local_command.h"

namespace bg::fakes {

namespace fs = std::filesystem;

struct CodeDeployService::Entry {
  DeploymentInfo info;
  bool started = false;  // the agent's deployment_started
  std::optional<DeploymentResult> result;
};

CodeDeployService::CodeDeployService(core::Clock& clock, CodeDeployServiceOptions options)
    : clock_(clock), options_(std::move(options)), changed_(clock) {}

CodeDeployService::~CodeDeployService() { shutdown(); }

std::optional<ApiError> CodeDeployService::unpack(const S3Location& revision, const fs::path& into) const {
  const fs::path object = options_.s3_root / revision.bucket / revision.key;
  std::error_code ec;
  if (!fs::is_regular_file(object, ec))
    return ApiError{"InvalidRevisionException",
                    fmt::format("The S3 object s3://{}/{} does not exist", revision.bucket, revision.key)};
  fs::create_directories(into);
  // The agent's own commands (linux_util.rb extract_zip / extract_tar / extract_tgz).
  std::vector<std::string> argv;
  if (revision.bundle_type == "zip")
    argv = {"/usr/bin/unzip", "-qo", object.string(), "-d", into.string()};
  else if (revision.bundle_type == "tar")
    argv = {"/bin/tar", "-xpsf", object.string()};
  else
    argv = {"/bin/tar", "-zxpsf", object.string()};
  LocalCommandResult r = run_local_command(argv, into, {{"PATH", "/usr/bin:/bin"}, {"LANG", "C"}});
  if (r.exit_code != 0)
    return ApiError{"BUNDLE", fmt::format("the bundle could not be unpacked ({} exited {}): {}", argv[0], r.exit_code,
                                          r.err + r.out)};
  return std::nullopt;
}

std::variant<std::string, ApiError> CodeDeployService::create(DeploymentRequest request, const S3Location& revision) {
  const std::string id = CodeDeployAgent::deployment_id_for(request.number);
  {
    std::lock_guard lock(mutex_);
    if (application_ && (*application_ != request.application || *group_ != request.group))
      throw core::NotModelled(fmt::format("a second CodeDeploy deployment group ({}/{} after {}/{})",
                                          request.application, request.group, *application_, *group_));
    if (auto it = deployments_.find(id); it != deployments_.end())
      throw core::NotModelled(fmt::format("a second CodeDeploy deployment created by workflow run {}", request.number));
  }
  const fs::path dir = options_.work_dir / fmt::format("{}-{}", id, clock_.now().count());
  if (auto error = unpack(revision, dir)) return *error;
  request.bundle_dir = dir;

  auto entry = std::make_unique<Entry>();
  entry->info.id = id;
  entry->info.number = request.number;
  entry->info.application = request.application;
  entry->info.group = request.group;
  entry->info.config_name = request.config_name;
  entry->info.description = request.description;
  entry->info.file_exists_behavior = request.file_exists_behavior;
  entry->info.ignore_application_stop_failures = request.ignore_application_stop_failures;
  entry->info.revision = revision;
  entry->info.status = "Created";
  entry->info.create_time = clock_.now();
  Entry* e = entry.get();
  std::unique_lock lock(mutex_);
  deployments_[id] = std::move(entry);
  threads_.push_back(core::start_actor(
      clock_, core::order_key("deployment " + id), [this, e, request, token = stop_.get_token()](std::stop_token) {
        DeploymentResult r = options_.start(request, token);
        struct Ended {  // told once the lock below is released
          const std::function<void()>& on_ended;
          ~Ended() {
            if (on_ended) on_ended();
          }
        } ended{options_.on_ended};
        std::lock_guard l(mutex_);
        e->result = r;
        if (!r.refused) {
          e->info.status = token.stop_requested() && !r.succeeded ? "Stopped" : r.succeeded ? "Succeeded" : "Failed";
          if (!r.succeeded) {
            // GetDeployment's errorInformation for a failed deployment of one instance.
            e->info.error_code = "HEALTH_CONSTRAINTS";
            e->info.error_message =
                "The overall deployment failed because too many individual instances failed deployment, too few "
                "healthy "
                "instances are available for deployment, or some instances in your deployment group are experiencing "
                "problems.";
          }
          e->info.complete_time = clock_.now();
        }
        changed_.notify_all();
      }));
  changed_.wait(lock, {}, [&] { return e->started || e->result.has_value(); });
  if (e->result && e->result->refused) {
    // The agent's error is "DeploymentLimitExceededException: The Deployment Group ... 'd-...'".
    const std::string& text = e->result->error;
    const size_t colon = text.find(": ");
    ApiError error{text.substr(0, colon), colon == std::string::npos ? text : text.substr(colon + 2)};
    deployments_.erase(id);
    return error;
  }
  if (!application_) {
    application_ = request.application;
    group_ = request.group;
  }
  if (e->info.status == "Created") e->info.status = "InProgress";
  return id;
}

std::optional<DeploymentInfo> CodeDeployService::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = deployments_.find(id);
  if (it == deployments_.end()) return std::nullopt;
  return it->second->info;
}

std::optional<DeploymentResult> CodeDeployService::result_of(int number) const {
  std::lock_guard lock(mutex_);
  auto it = deployments_.find(CodeDeployAgent::deployment_id_for(number));
  if (it == deployments_.end()) return std::nullopt;
  return it->second->result;
}

bool CodeDeployService::busy() const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, e] : deployments_)
    if (!e->result) return true;
  return false;
}

void CodeDeployService::on_agent_event(const core::DeployEvent& event) {
  if (event.kind != core::DeployEventKind::deployment_started) return;
  std::lock_guard lock(mutex_);
  auto it = deployments_.find(CodeDeployAgent::deployment_id_for(event.deployment));
  if (it == deployments_.end()) return;
  it->second->started = true;
  if (it->second->info.status == "Created") it->second->info.status = "InProgress";
  changed_.notify_all();
}

void CodeDeployService::shutdown() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mutex_);
    stop_.request_stop();
    threads.swap(threads_);
    changed_.notify_all();
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

}  // namespace bg::fakes
