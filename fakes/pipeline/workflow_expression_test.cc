// GitHub Actions expressions: what they evaluate to, what GitHub rejects, what is not modelled.
#include "fakes/pipeline/workflow_expression.h"

#include <gtest/gtest.h>

#include "core/not_modelled.h"

namespace bg::fakes {
namespace {

ExprContext push_context() {
  ExprContext c;
  c.allowed = contexts_for_steps();
  c.github = {{"sha", "0123abcd"},
              {"ref", "refs/heads/main"},
              {"repository", "acme/web"},
              {"actor", "octocat"},
              {"workflow", "Deploy"}};
  c.env = {{"IMAGE", "ghcr.io/acme/web"}, {"AWS_REGION", "eu-west-1"}};
  c.vars = {{"HOST_NAME", "web-1"}};
  c.secret = [](const std::string& name) { return "<secret " + name + ">"; };
  c.steps["build"] = {{{"tag", "v7"}}, "success", "success"};
  c.needs["build"] = {"success", {{"image", "web:v7"}}};
  return c;
}

const Where kAt{".github/workflows/deploy.yml", 12, 9};

std::string eval(const std::string& text, const ExprContext& c = push_context()) {
  return evaluate_template(text, c, kAt);
}

// Goal: the contexts the corpus uses are substituted into the text around them.
TEST(WorkflowExpression, SubstitutesContextsIntoText) {
  EXPECT_EQ(eval("${{ env.IMAGE }}:${{ github.sha }}"), "ghcr.io/acme/web:0123abcd");
  EXPECT_EQ(eval("${{ secrets.EC2_HOST }}"), "<secret EC2_HOST>");
  EXPECT_EQ(eval("${{ vars.HOST_NAME }}-${{ vars.UNSET }}x"), "web-1-x");  // an unset variable is ''
  EXPECT_EQ(eval("${{ github.workflow }}-${{ github.ref }}"), "Deploy-refs/heads/main");
  EXPECT_EQ(eval("tag=${{ steps.build.outputs.tag }} ${{ needs.build.outputs.image }}"), "tag=v7 web:v7");
  EXPECT_EQ(eval("no expression here"), "no expression here");
  EXPECT_EQ(eval("${{ 'it''s' }} ${{ 3 }} ${{ true }} ${{ null }}."), "it's 3 true .");
}

// Goal: equality ignores case, && and || return an operand, mixed types compare as numbers.
TEST(WorkflowExpression, OperatorsFollowGitHubsRules) {
  EXPECT_EQ(eval("${{ github.ref == 'REFS/HEADS/MAIN' }}"), "true");
  EXPECT_EQ(eval("${{ github.ref != 'refs/heads/dev' }}"), "true");
  EXPECT_EQ(eval("${{ github.actor == 'octocat' && 'yes' || 'no' }}"), "yes");
  EXPECT_EQ(eval("${{ github.actor == 'someone' && 'yes' || 'no' }}"), "no");
  EXPECT_EQ(eval("${{ '' || 'fallback' }}"), "fallback");
  EXPECT_EQ(eval("${{ '3' == 3 }} ${{ true == 1 }} ${{ null == 0 }} ${{ 'abc' == 0 }}"), "true true true false");
  EXPECT_EQ(eval("${{ 2 < 10 }} ${{ !(1 > 2) }}"), "true true");
  EXPECT_EQ(eval("${{ startsWith(github.ref, 'refs/heads/') }} ${{ contains(env.IMAGE, 'ACME') }}"), "true true");
  EXPECT_EQ(eval("${{ format('{0}:{1}', env.IMAGE, github.sha) }}"), "ghcr.io/acme/web:0123abcd");
}

// Goal: an `if:` gets the implicit success(); status functions decide after a failure.
TEST(WorkflowExpression, ConditionsHaveImplicitSuccess) {
  ExprContext c = push_context();
  EXPECT_TRUE(evaluate_condition("github.ref == 'refs/heads/main'", c, kAt));
  EXPECT_TRUE(evaluate_condition("${{ github.ref == 'refs/heads/main' }}", c, kAt));
  EXPECT_FALSE(evaluate_condition("github.ref == 'refs/heads/dev'", c, kAt));
  EXPECT_TRUE(evaluate_condition("", c, kAt));
  c.job_status = "failure";
  EXPECT_FALSE(evaluate_condition("github.ref == 'refs/heads/main'", c, kAt));
  EXPECT_TRUE(evaluate_condition("failure()", c, kAt));
  EXPECT_TRUE(evaluate_condition("always()", c, kAt));
  EXPECT_FALSE(evaluate_condition("success()", c, kAt));
  EXPECT_TRUE(evaluate_condition("${{ always() }}", c, kAt));
  // Text around ${{ }} makes a non-empty string: always true, as on GitHub.
  c.job_status = "success";
  EXPECT_TRUE(evaluate_condition("${{ github.ref }} == 'refs/heads/dev'", c, kAt));
}

// Goal: what GitHub rejects is a WorkflowError worded as GitHub words it, at the field's place.
TEST(WorkflowExpression, GitHubsRejectionsAreWorkflowErrors) {
  try {
    eval("${{ foo.bar }}");
    FAIL() << "no error";
  } catch (const WorkflowError& e) {
    EXPECT_EQ(e.message(), "Unrecognized named-value: 'foo'. Located at position 1 within expression: foo.bar");
    EXPECT_EQ(e.line(), 12);
  }
  EXPECT_THROW(eval("${{ github.ref = 'x' }}"), WorkflowError);
  EXPECT_THROW(eval("${{ github.sha "), WorkflowError);  // not closed
  EXPECT_THROW(eval("${{ nosuch() }}"), WorkflowError);
  EXPECT_THROW(eval("${{ success() }}"), WorkflowError);  // status functions only in if:
  // `env` is not available in the workflow's concurrency.
  ExprContext c = push_context();
  c.allowed = contexts_for_workflow_concurrency();
  EXPECT_THROW(eval("${{ env.IMAGE }}", c), WorkflowError);
  EXPECT_EQ(eval("${{ github.workflow }}-${{ github.ref }}", c), "Deploy-refs/heads/main");
}

// Goal: what GitHub accepts but bluegreen does not model is NotModelled, naming it and where.
TEST(WorkflowExpression, UnmodelledPartsAreNamed) {
  try {
    eval("${{ github.event.head_commit.message }}");
    FAIL() << "no error";
  } catch (const core::NotModelled& e) {
    EXPECT_NE(e.subject().find("github.event.head_commit.message"), std::string::npos) << e.subject();
    EXPECT_NE(e.subject().find("deploy.yml:12"), std::string::npos) << e.subject();
  }
  EXPECT_THROW(eval("${{ hashFiles('**/package-lock.json') }}"), core::NotModelled);
  EXPECT_THROW(eval("${{ matrix.node }}"), core::NotModelled);
  EXPECT_THROW(eval("${{ github.event.commits.*.message }}"), core::NotModelled);
  EXPECT_THROW(eval("${{ fromJSON('[1]') }}"), core::NotModelled);
}

}  // namespace
}  // namespace bg::fakes
