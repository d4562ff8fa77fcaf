#pragma once
// Reading a workflow's YAML with positions: the helpers workflow_file.cc and workflow_steps.cc share
// (internal to the pipeline fake). Messages are GitHub's template reader's
// (actions/languageservices workflow-parser/src/templates/template-reader.ts): "Unexpected value
// 'x'", "A sequence was not expected", "A mapping was not expected", "Required property is missing: x".
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fakes/pipeline/workflow_file.h"

namespace bg::fakes::workflow_yaml {

class Reader {
 public:
  Reader(std::string file, const std::string& text);

  const std::string& file() const { return file_; }
  Where at(const YAML::Node& n) const;
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const;
  [[noreturn]] void fail(const Where& w, const std::string& message) const;
  [[noreturn]] void not_modelled(const YAML::Node& n, const std::string& what) const;

  // A scalar (a number or boolean as written); a sequence or mapping is GitHub's type error.
  Text text(const YAML::Node& n) const;
  // A scalar or a sequence of scalars (`branches: main`, `branches: [main]`).
  std::vector<Text> text_list(const YAML::Node& n) const;
  // A mapping of names to scalars (`env:`, `with:`, `outputs:`).
  std::map<std::string, Text> text_map(const YAML::Node& n) const;
  // Fails on the first key not in `allowed` ("Unexpected value 'k'"); `n` must be a mapping.
  void expect_keys(const YAML::Node& n, const std::set<std::string>& allowed) const;
  void expect_map(const YAML::Node& n) const;
  // `timeout-minutes`: a number (an expression there is not modelled).
  double minutes(const YAML::Node& n) const;
  // `defaults: {run: {shell, working-directory}}`.
  RunDefaults defaults(const YAML::Node& n) const;

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

// A job's `steps:` (workflow_steps.cc): run steps, and uses steps checked against the catalogue of
// modelled actions (workflow_actions.h).
std::vector<WorkflowStep> read_steps(const Reader& reader, const YAML::Node& steps);

// GitHub's identifier rule for job and step ids (id-builder.ts).
bool valid_id(const std::string& id);

}  // namespace bg::fakes::workflow_yaml
