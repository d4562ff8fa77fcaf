#pragma once
// How the aws CLI (v2) prints a response: `--query` (the JMESPath subset deploy workflows use: a
// field path such as `deploymentId` or `deploymentInfo.status`), then `--output json` (the default:
// awscli/formatter.py JSONFormatter, json.dumps with indent 4, keys in response order) or `--output
// text` (TextFormatter: a scalar on its own line, Python's True/False/None, a list of scalars
// tab-separated). Other JMESPath forms, text output of objects, and the table and yaml formats are
// not modelled.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace bg::fakes {

struct AwsPrinted {
  std::string out;
  std::string not_modelled;  // non-empty: what of --query/--output is not modelled
};

AwsPrinted print_aws_response(const nlohmann::ordered_json& response, const std::string& output,
                              const std::optional<std::string>& query);

}  // namespace bg::fakes
