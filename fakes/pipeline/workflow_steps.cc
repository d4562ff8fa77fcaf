// A job's steps as GitHub reads them (workflow-v1.0.json "run-step" and "regular-step";
// workflow-parser/src/model/converter/steps.ts for the messages).
#include <algorithm>
#include <cctype>

#include "core/not_modelled.h"
#include "fakes/pipeline/workflow_actions.h"
#include "fakes/pipeline/workflow_yaml.h"

namespace bg::fakes::workflow_yaml {

namespace {

// `owner/repo[/path]@ref` -> action ("owner/repo[/path]", lower case) and ref.
void read_uses(const Reader& r, const YAML::Node& n, WorkflowStep& step) {
  step.uses = r.text(n);
  const std::string& u = step.uses->value;
  if (u.rfind("docker://", 0) == 0) r.not_modelled(n, fmt::format("the Docker container action `uses: {}`", u));
  if (u.rfind("./", 0) == 0 || u.rfind("../", 0) == 0) r.not_modelled(n, fmt::format("the local action `uses: {}`", u));
  const size_t at = u.find('@');
  const size_t slash = u.find('/');
  if (at == std::string::npos || slash == std::string::npos || slash > at || at + 1 == u.size())
    r.fail(n, fmt::format("Expected format {{org}}/{{repo}}[/path]@ref. Actual '{}'", u));
  step.action = u.substr(0, at);
  for (auto& c : step.action) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  step.version = u.substr(at + 1);
}

WorkflowStep read_step(const Reader& r, const YAML::Node& n, int index) {
  WorkflowStep step;
  step.index = index;
  step.where = r.at(n);
  r.expect_map(n);
  r.expect_keys(n, {"name", "id", "if", "timeout-minutes", "run", "continue-on-error", "env", "working-directory",
                    "shell", "uses", "with", "background"});
  if (n["background"]) r.not_modelled(n["background"], "a background step");
  if (!n["run"] && !n["uses"]) r.fail(n, "Expected one of uses or run to be defined");
  // A run step has no `uses`/`with`; a uses step has no `shell`/`working-directory` (the schema's
  // two step shapes): the key that belongs to the other shape is the unexpected one.
  if (n["run"]) {
    for (const char* other : {"uses", "with"})
      if (n[other]) r.fail(n[other], fmt::format("Unexpected value '{}'", other));
  } else {
    for (const char* other : {"shell", "working-directory"})
      if (n[other]) r.fail(n[other], fmt::format("Unexpected value '{}'", other));
  }
  if (n["name"]) step.name = r.text(n["name"]).value;
  if (n["id"]) {
    step.id = r.text(n["id"]).value;
    if (!valid_id(step.id))
      r.fail(n["id"],
             fmt::format("The identifier '{}' is invalid. IDs may only contain alphanumeric characters, '_', "
                         "and '-'. IDs must start with a letter or '_' and and must be less than 100 characters.",
                         step.id));
  }
  if (n["if"]) step.if_condition = r.text(n["if"]);
  if (n["env"]) step.env = r.text_map(n["env"]);
  if (n["continue-on-error"]) step.continue_on_error = r.text(n["continue-on-error"]);
  if (n["timeout-minutes"]) step.timeout_minutes = r.minutes(n["timeout-minutes"]);
  if (n["run"]) {
    step.run = r.text(n["run"]);
    if (n["shell"]) step.shell = r.text(n["shell"]);
    if (n["working-directory"]) step.working_directory = r.text(n["working-directory"]);
    return step;
  }
  read_uses(r, n["uses"], step);
  if (n["with"]) step.with = r.text_map(n["with"]);
  check_action_step(step);  // NotModelled: an action, version or input outside the catalogue
  return step;
}

}  // namespace

std::vector<WorkflowStep> read_steps(const Reader& reader, const YAML::Node& steps) {
  if (steps.IsNull()) return {};
  if (!steps.IsSequence()) reader.fail(steps, "Invalid format for steps");
  std::vector<WorkflowStep> out;
  for (const auto& item : steps) {
    out.push_back(read_step(reader, item, static_cast<int>(out.size())));
    const std::string& id = out.back().id;
    if (id.empty()) continue;
    for (size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i].id == id)
        reader.fail(item["id"],
                    fmt::format("The identifier '{}' may not be used more than once within the same scope.", id));
  }
  return out;
}

}  // namespace bg::fakes::workflow_yaml
