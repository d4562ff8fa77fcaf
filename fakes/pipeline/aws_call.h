#pragma once
// One `aws` invocation parsed (internal to aws_cli.cc and aws_deploy.cc): global options taken out
// wherever they stand, the service and operation, and the operation's options checked against what
// the real command accepts. Error texts are aws-cli 2.27's (errorhandler.py, argparser.py).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "fakes/pipeline/aws_cli.h"

namespace bg::fakes {

// What an operation accepts: options taking a value, flags, and of those the ones not modelled
// (real options whose effect the run does not reproduce) with why.
struct AwsOperationSpec {
  std::set<std::string> with_value;
  std::set<std::string> flags;
  std::map<std::string, std::string> not_modelled;
  std::set<std::string> required;
};

struct AwsCli::Call {
  const AwsCaller& caller;
  std::string region;                          // --region, else AWS_REGION / AWS_DEFAULT_REGION / configured
  std::string output = "json";                 // --output, else AWS_DEFAULT_OUTPUT / configured
  std::optional<std::string> query;            // --query
  std::vector<std::string> words;              // service, operation, then the operation's arguments
  std::map<std::string, std::string> options;  // after parse(): --name -> value ("" for a flag)
  std::vector<std::string> positional;         // after parse()

  // Checks `words` from index `from` against `spec`; an error answer when they do not fit.
  std::optional<core::CommandResult> parse(size_t from, const AwsOperationSpec& spec);
  std::string option(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? "" : it->second;
  }
  bool has(const std::string& name) const { return options.count(name) > 0; }
};

namespace aws_errors {
// awscli's usage text (argparser.py USAGE).
std::string usage();
// "Unknown options: --x" (UnknownArgumentErrorHandler, exit 252).
core::CommandResult unknown_options(const std::vector<std::string>& options);
// argparse's "aws: error: ..." (ParamValidationErrorsHandler, exit 252).
core::CommandResult argparse_error(const std::string& message);
// A parameter error raised by the CLI itself ("--s3-location must specify ...", exit 252).
core::CommandResult param_error(const std::string& message);
// botocore's ClientError: "An error occurred (Code) when calling the Op operation: message" (254).
core::CommandResult client_error(const std::string& code, const std::string& operation, const std::string& message);
// ConfigurationError / NoRegionError / NoCredentialsError (253).
core::CommandResult config_error(const std::string& message);
// Anything else: a RuntimeError or WaiterError (255).
core::CommandResult general_error(const std::string& message);
}  // namespace aws_errors

}  // namespace bg::fakes
