// `aws deploy create-deployment | get-deployment | wait deployment-successful` over the run's
// CodeDeploy service. Arguments: botocore's CreateDeploymentInput (codedeploy/2014-10-06/
// service-2.json) plus the CLI's --s3-location / --github-location (awscli/customizations/codedeploy/
// locationargs.py). The waiter: botocore codedeploy waiters-2.json DeploymentSuccessful (GetDeployment
// every 15 s, at most 120 times; Succeeded succeeds, Failed or Stopped fail) and botocore/waiter.py's
// messages ("Waiter DeploymentSuccessful failed: Waiter encountered a terminal failure state: For
// expression \"deploymentInfo.status\" we matched expected path: \"Failed\"", exit 255).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "fakes/pipeline/aws_call.h"
#include "fakes/pipeline/aws_output.h"

namespace bg::fakes {

namespace {

// "bucket=b,key=k,bundleType=zip" or '{"bucket": "b", ...}' (awscli shorthand or JSON).
std::map<std::string, std::string> parse_structure(const std::string& text) {
  std::map<std::string, std::string> out;
  if (!text.empty() && text[0] == '{') {
    try {
      const nlohmann::json parsed = nlohmann::json::parse(text);
      for (const auto& [k, v] : parsed.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    } catch (...) {
    }
    return out;
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const size_t eq = item.find('=');
    if (eq != std::string::npos) out[item.substr(0, eq)] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string iso_time(core::Time t) {
  // Scenario time after a fixed day, as awscli prints timestamps (ISO 8601 with offset).
  const int64_t us = t.count();
  const int64_t s = us / 1000000;
  return fmt::format("2024-06-01T{:02}:{:02}:{:02}.{:06}+00:00", (s / 3600) % 24, (s / 60) % 60, s % 60, us % 1000000);
}

nlohmann::ordered_json deployment_json(const DeploymentInfo& d) {
  nlohmann::ordered_json s3 = {
      {"bucket", d.revision.bucket}, {"key", d.revision.key}, {"bundleType", d.revision.bundle_type}};
  nlohmann::ordered_json info = {
      {"applicationName", d.application},
      {"deploymentGroupName", d.group},
      {"deploymentConfigName", d.config_name},
      {"deploymentId", d.id},
      {"previousRevision", nullptr},
      {"revision", {{"revisionType", "S3"}, {"s3Location", s3}}},
      {"status", d.status},
      {"createTime", iso_time(d.create_time)},
      {"creator", "user"},
      {"ignoreApplicationStopFailures", d.ignore_application_stop_failures},
      {"updateOutdatedInstancesOnly", false},
      {"deploymentStyle", {{"deploymentType", "IN_PLACE"}, {"deploymentOption", "WITHOUT_TRAFFIC_CONTROL"}}},
      {"fileExistsBehavior", d.file_exists_behavior.empty() ? "DISALLOW" : d.file_exists_behavior},
      {"computePlatform", "Server"}};
  info.erase("previousRevision");
  if (!d.description.empty()) info["description"] = d.description;
  if (!d.error_code.empty()) info["errorInformation"] = {{"code", d.error_code}, {"message", d.error_message}};
  if (d.status == "Succeeded" || d.status == "Failed" || d.status == "Stopped")
    info["completeTime"] = iso_time(d.complete_time);
  return {{"deploymentInfo", info}};
}

}  // namespace

core::CommandResult AwsCli::deploy(Call& call, std::stop_token stop) {
  const std::string op = call.words.size() > 1 ? call.words[1] : "";
  if (op != "create-deployment" && op != "get-deployment" && op != "wait")
    return core::not_modelled_result(
        fmt::format("aws deploy {} (modelled: create-deployment, get-deployment, wait)", op));
  if (call.region.empty())
    return aws_errors::config_error(
        "You must specify a region. You can also configure your region by running \"aws configure\".");
  auto key = call.caller.env.find("AWS_ACCESS_KEY_ID");
  if ((key == call.caller.env.end() || key->second.empty()) && !configured(call.caller, "aws_access_key_id"))
    return aws_errors::config_error(
        "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
  if (op == "create-deployment") return create_deployment(call);
  if (op == "get-deployment") return get_deployment(call);
  return wait_deployment(call, stop);
}

core::CommandResult AwsCli::create_deployment(Call& call) {
  static const AwsOperationSpec spec = {
      {"--application-name", "--deployment-group-name", "--revision", "--deployment-config-name", "--description",
       "--target-instances", "--auto-rollback-configuration", "--file-exists-behavior",
       "--override-alarm-configuration", "--s3-location", "--github-location", "--cli-input-json", "--cli-input-yaml"},
      {"--ignore-application-stop-failures", "--no-ignore-application-stop-failures",
       "--update-outdated-instances-only", "--no-update-outdated-instances-only", "--generate-cli-skeleton"},
      {{"--revision", "a revision given as a structure (use --s3-location)"},
       {"--github-location", "a revision fetched from GitHub by CodeDeploy"},
       {"--target-instances", "deployment targets other than the group's instance"},
       {"--auto-rollback-configuration", "automatic rollbacks"},
       {"--override-alarm-configuration", "CloudWatch alarms"},
       {"--update-outdated-instances-only", "deploying to outdated instances only"},
       {"--cli-input-json", "arguments from JSON"},
       {"--cli-input-yaml", "arguments from YAML"},
       {"--generate-cli-skeleton", "printing a skeleton"}},
      {"--application-name"}};
  if (auto e = call.parse(2, spec)) return *e;
  if (!call.positional.empty()) return aws_errors::unknown_options(call.positional);
  if (!call.has("--s3-location"))
    return aws_errors::client_error("RevisionRequiredException", "CreateDeployment", "Revision must be specified.");
  const auto loc = parse_structure(call.option("--s3-location"));
  auto field = [&](const char* k) {
    auto it = loc.find(k);
    return it == loc.end() ? std::string() : it->second;
  };
  if (field("bucket").empty() || field("key").empty() || field("bundleType").empty())
    return aws_errors::param_error("--s3-location must specify bucket, key and bundleType.");
  const std::string type = field("bundleType");
  if (type != "zip" && type != "tar" && type != "tgz")
    return aws_errors::client_error("InvalidBundleTypeException", "CreateDeployment",
                                    fmt::format("Bundle type {} is not valid", type));
  if (!call.has("--deployment-group-name"))
    return aws_errors::client_error("DeploymentGroupNameRequiredException", "CreateDeployment",
                                    "Deployment Group name is required");
  DeploymentRequest request;
  request.number = call.caller.run;
  request.application = call.option("--application-name");
  request.group = call.option("--deployment-group-name");
  if (call.has("--deployment-config-name")) request.config_name = call.option("--deployment-config-name");
  request.description = call.option("--description");
  request.file_exists_behavior = call.option("--file-exists-behavior");
  request.ignore_application_stop_failures = call.has("--ignore-application-stop-failures");
  auto created = codedeploy_.create(request, S3Location{field("bucket"), field("key"), type});
  if (auto* error = std::get_if<ApiError>(&created))
    return aws_errors::client_error(error->code, "CreateDeployment", error->message);
  AwsPrinted p = print_aws_response({{"deploymentId", std::get<std::string>(created)}}, call.output, call.query);
  if (!p.not_modelled.empty()) return core::not_modelled_result(p.not_modelled);
  return {0, p.out, ""};
}

core::CommandResult AwsCli::get_deployment(Call& call) {
  if (auto e = call.parse(2, {{"--deployment-id"}, {}, {}, {"--deployment-id"}})) return *e;
  const std::string id = call.option("--deployment-id");
  auto info = codedeploy_.get(id);
  if (!info)
    return aws_errors::client_error("DeploymentDoesNotExistException", "GetDeployment",
                                    fmt::format("The deployment {} could not be found.", id));
  AwsPrinted p = print_aws_response(deployment_json(*info), call.output, call.query);
  if (!p.not_modelled.empty()) return core::not_modelled_result(p.not_modelled);
  return {0, p.out, ""};
}

core::CommandResult AwsCli::wait_deployment(Call& call, std::stop_token stop) {
  const std::string waiter = call.words.size() > 2 ? call.words[2] : "";
  if (waiter != "deployment-successful")
    return core::not_modelled_result(fmt::format("aws deploy wait {} (modelled: deployment-successful)", waiter));
  if (auto e = call.parse(3, {{"--deployment-id"}, {}, {}, {"--deployment-id"}})) return *e;
  const std::string id = call.option("--deployment-id");
  constexpr int kMaxAttempts = 120;
  for (int attempt = 1;; ++attempt) {
    auto info = codedeploy_.get(id);
    if (!info)
      return aws_errors::general_error(fmt::format(
          "Waiter DeploymentSuccessful failed: An error occurred (DeploymentDoesNotExistException): The deployment {} "
          "could not be found.",
          id));
    if (info->status == "Succeeded") return {};
    if (info->status == "Failed" || info->status == "Stopped")
      return aws_errors::general_error(
          fmt::format("Waiter DeploymentSuccessful failed: Waiter encountered a terminal failure state: For expression "
                      "\"deploymentInfo.status\" we matched expected path: \"{}\"",
                      info->status));
    if (attempt >= kMaxAttempts)
      return aws_errors::general_error("Waiter DeploymentSuccessful failed: Max attempts exceeded");
    // Killed while it sleeps (the step's timeout or the run's end): as Python dies of SIGTERM.
    if (!clock_.sleep_for(std::chrono::seconds(15), stop)) return {143, "", ""};
  }
}

}  // namespace bg::fakes
