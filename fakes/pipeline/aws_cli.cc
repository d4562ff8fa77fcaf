#include "fakes/pipeline/aws_cli.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "fakes/pipeline/aws_call.h"
#include "fakes/pipeline/aws_output.h"

namespace bg::fakes {

namespace fs = std::filesystem;

namespace aws_errors {
std::string usage() {
  return "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
         "To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";
}
core::CommandResult unknown_options(const std::vector<std::string>& options) {
  return {252, "", fmt::format("\nusage: {}\nUnknown options: {}\n\n", usage(), fmt::join(options, ", "))};
}
core::CommandResult argparse_error(const std::string& message) {
  return {252, "", fmt::format("\n{}\naws: error: {}\n\n", usage(), message)};
}
core::CommandResult param_error(const std::string& message) { return {252, "", "\n" + message + "\n"}; }
core::CommandResult client_error(const std::string& code, const std::string& operation, const std::string& message) {
  return {254, "",
          fmt::format("\nAn error occurred ({}) when calling the {} operation: {}\n", code, operation, message)};
}
core::CommandResult config_error(const std::string& message) { return {253, "", "\n" + message + "\n"}; }
core::CommandResult general_error(const std::string& message) { return {255, "", "\n" + message + "\n"}; }
}  // namespace aws_errors

std::optional<core::CommandResult> AwsCli::Call::parse(size_t from, const AwsOperationSpec& spec) {
  std::vector<std::string> unknown;
  for (size_t i = from; i < words.size(); ++i) {
    std::string w = words[i], value;
    if (w.rfind("--", 0) != 0) {
      positional.push_back(w);
      continue;
    }
    const size_t eq = w.find('=');
    const bool attached = eq != std::string::npos;
    if (attached) {
      value = w.substr(eq + 1);
      w = w.substr(0, eq);
    }
    if (spec.with_value.count(w)) {
      if (!attached) {
        if (i + 1 >= words.size())
          return aws_errors::argparse_error(fmt::format("argument {}: expected one argument", w));
        value = words[++i];
      }
    } else if (!spec.flags.count(w)) {
      unknown.push_back(w);
      continue;
    }
    if (auto it = spec.not_modelled.find(w); it != spec.not_modelled.end())
      return core::not_modelled_result(
          fmt::format("aws {} {} {} ({})", words[0], words.size() > 1 ? words[1] : "", w, it->second));
    options[w] = value;
  }
  if (!unknown.empty()) return aws_errors::unknown_options(unknown);
  std::vector<std::string> missing;
  for (const auto& r : spec.required)
    if (!options.count(r)) missing.push_back(r);
  if (!missing.empty())
    return aws_errors::argparse_error(
        fmt::format("the following arguments are required: {}", fmt::join(missing, ", ")));
  return std::nullopt;
}

AwsCli::AwsCli(core::Clock& clock, fs::path s3_root, CodeDeployService& codedeploy)
    : clock_(clock), s3_root_(std::move(s3_root)), codedeploy_(codedeploy) {}

fs::path AwsCli::object_path(const std::string& bucket, const std::string& key) const {
  return s3_root_ / bucket / key;
}

std::optional<std::string> AwsCli::configured(const AwsCaller& caller, const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto host = configured_.find(caller.host_id);
  if (host == configured_.end()) return std::nullopt;
  auto it = host->second.find(key);
  if (it == host->second.end()) return std::nullopt;
  return it->second;
}

core::CommandResult AwsCli::run(const std::vector<std::string>& args, const AwsCaller& caller, std::stop_token stop) {
  Call call{caller};
  // Global options (aws help: "Global Options"), wherever they appear.
  static const std::set<std::string> harmless_value = {
      "--profile", "--color", "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--cli-binary-format"};
  static const std::set<std::string> harmless_flag = {"--no-cli-pager",  "--no-paginate",        "--debug",
                                                      "--no-verify-ssl", "--no-cli-auto-prompt", "--cli-auto-prompt"};
  auto env = [&](const char* k) {
    auto it = caller.env.find(k);
    return it == caller.env.end() ? std::string() : it->second;
  };
  call.region = !env("AWS_REGION").empty() ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
  if (call.region.empty()) call.region = configured(caller, "region").value_or("");
  if (!env("AWS_DEFAULT_OUTPUT").empty())
    call.output = env("AWS_DEFAULT_OUTPUT");
  else if (auto o = configured(caller, "output"))
    call.output = *o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool takes_value =
        a == "--region" || a == "--output" || a == "--query" || a == "--endpoint-url" || harmless_value.count(a);
    if (takes_value) {
      if (i + 1 >= args.size()) return aws_errors::argparse_error(fmt::format("argument {}: expected one argument", a));
      const std::string& v = args[++i];
      if (a == "--region")
        call.region = v;
      else if (a == "--output")
        call.output = v;
      else if (a == "--query")
        call.query = v;
      else if (a == "--endpoint-url")
        return core::not_modelled_result("aws --endpoint-url (another AWS endpoint)");
    } else if (harmless_flag.count(a)) {
      // Paging, TLS checks and debug logging change nothing the run observes.
    } else {
      call.words.push_back(a);
    }
  }
  static const std::set<std::string> outputs = {"json", "text", "table", "yaml", "yaml-stream"};
  if (!outputs.count(call.output))
    return aws_errors::argparse_error(fmt::format(
        "argument --output: Invalid choice, valid choices are:\n\njson                                     | text\n"
        "table                                    | yaml\nyaml-stream                              "));
  if (call.words.empty()) return aws_errors::argparse_error("the following arguments are required: command");
  const std::string& service = call.words[0];
  if (service == "s3") return s3(call);
  if (service == "deploy") return deploy(call, stop);
  if (service == "configure") return configure(call);
  if (service == "sts") return sts(call);
  return core::not_modelled_result(fmt::format("aws {} (modelled: s3 cp, deploy, configure, sts)", service));
}

core::CommandResult AwsCli::configure(Call& call) {
  const auto& w = call.words;
  if (w.size() < 2 || (w[1] != "set" && w[1] != "get"))
    return core::not_modelled_result(fmt::format("aws configure {}", w.size() > 1 ? w[1] : "(interactive)"));
  // `default.region` and `region` name the same setting of the default profile.
  auto key_of = [](std::string k) { return k.rfind("default.", 0) == 0 ? k.substr(8) : k; };
  std::lock_guard lock(mutex_);
  if (w[1] == "set") {
    if (w.size() != 4) return aws_errors::argparse_error("the following arguments are required: varname, value");
    configured_[call.caller.host_id][key_of(w[2])] = w[3];
    return {};
  }
  if (w.size() != 3) return aws_errors::argparse_error("the following arguments are required: varname");
  auto& host = configured_[call.caller.host_id];
  auto it = host.find(key_of(w[2]));
  if (it == host.end()) return {1, "", ""};  // unset: nothing printed, exit 1
  return {0, it->second + "\n", ""};
}

core::CommandResult AwsCli::sts(Call& call) {
  if (call.words.size() < 2 || call.words[1] != "get-caller-identity")
    return core::not_modelled_result(fmt::format("aws sts {}", call.words.size() > 1 ? call.words[1] : ""));
  if (auto e = call.parse(2, {})) return *e;
  auto env_key = call.caller.env.find("AWS_ACCESS_KEY_ID");
  if ((env_key == call.caller.env.end() || env_key->second.empty()) && !configured(call.caller, "aws_access_key_id"))
    return aws_errors::config_error(
        "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
  nlohmann::ordered_json r = {{"UserId", "AIDAEXAMPLEGITHUBACTIONS"},
                              {"Account", "123456789012"},
                              {"Arn", "arn:aws:iam::123456789012:user/github-actions"}};
  AwsPrinted p = print_aws_response(r, call.output, call.query);
  if (!p.not_modelled.empty()) return core::not_modelled_result(p.not_modelled);
  return {0, p.out, ""};
}

core::CommandResult AwsCli::s3(Call& call) {
  if (call.words.size() >= 2 && call.words[1] == "cp") return s3_cp(call);
  return core::not_modelled_result(
      fmt::format("aws s3 {} (modelled: s3 cp)", call.words.size() > 1 ? call.words[1] : ""));
}

}  // namespace bg::fakes
