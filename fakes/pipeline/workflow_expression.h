#pragma once
// GitHub Actions expressions (`${{ ... }}` and `if:` conditions), the subset deploy workflows use:
// literals, context references (`github.sha`, `env.X`, `secrets.X`, `steps.id.outputs.x`,
// `needs.job.result`...), `== != < <= > >= && || !`, parentheses, and the functions success(),
// failure(), always(), cancelled(), contains(), startsWith(), endsWith(), format().
// Source:
// https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/evaluate-expressions-in-workflows-and-actions
// (operators, falsy values, loose equality: "GitHub ignores case when comparing strings", numbers
// coerced when types differ; `&&`/`||` return an operand, as in JavaScript).
//
// What GitHub itself rejects (a syntax error, a named-value that does not exist or is not available
// in that field) is a WorkflowError with GitHub's wording ("Unrecognized named-value: 'foo'. Located
// at position 1 within expression: foo.bar"). What GitHub accepts but bluegreen does not model
// (hashFiles(), fromJSON(), object filters, the `matrix` context, `github.event.*`) is
// core::NotModelled naming the expression and where it was written.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fakes/pipeline/workflow_error.h"

namespace bg::fakes {

// A step's state as later expressions see it (`steps.<id>.outputs.x`, `.outcome`, `.conclusion`).
struct StepState {
  std::map<std::string, std::string> outputs;
  std::string outcome;     // success, failure, cancelled, skipped
  std::string conclusion;  // the same after continue-on-error
};

// A finished job as `needs.<job>` shows it to the jobs that need it.
struct NeedsState {
  std::string result;  // success, failure, cancelled, skipped
  std::map<std::string, std::string> outputs;
};

// What an expression may read. `allowed` is the field's context list (GitHub's workflow schema:
// workflow `concurrency` may use only github, inputs and vars; a step's `run` may use them all).
struct ExprContext {
  std::set<std::string> allowed;
  std::map<std::string, std::string> github;  // sha, ref, repository, actor... (flat members)
  std::map<std::string, std::string> runner;  // os, arch, temp, tool_cache, name
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> inputs;  // workflow_dispatch inputs (none on a push)
  // The value of `secrets.NAME` (a placeholder: the run never knows a secret's value).
  std::function<std::string(const std::string&)> secret;
  std::map<std::string, StepState> steps;
  std::map<std::string, NeedsState> needs;
  std::string job_status = "success";  // job.status, and what success()/failure() look at
  bool cancelled = false;              // the run was cancelled (cancelled(), always())
  bool status_functions = false;       // success()/failure()/always()/cancelled() allowed (if: only)
};

// The contexts each kind of field may use (GitHub's workflow-v1.0.json "context" lists).
const std::set<std::string>& contexts_for_workflow_concurrency();  // github, inputs, vars
const std::set<std::string>& contexts_for_workflow_env();          // + secrets
const std::set<std::string>& contexts_for_job_fields();            // runs-on, environment, needs-time fields
const std::set<std::string>& contexts_for_steps();                 // everything a step may read

// Replaces each `${{ expr }}` in `text` with the expression's value as a string (null -> "",
// true -> "true", numbers as JavaScript prints them). Throws WorkflowError / core::NotModelled.
std::string evaluate_template(const std::string& text, const ExprContext& context, const Where& where);

// An `if:` condition: the whole text is an expression whether or not it is wrapped in `${{ }}`;
// without a status function it is `success() && (expr)` (GitHub's implicit status check). An
// empty condition is `success()`.
bool evaluate_condition(const std::string& text, const ExprContext& context, const Where& where);

// Whether `text` holds an expression at all.
bool has_expression(const std::string& text);

}  // namespace bg::fakes
