// Compose variable substitution per compose generation (compose_interpolation.h): where each form
// works, where it fails, and the differences scripts can meet.
#include "fakes/docker/compose_interpolation.h"

#include <map>

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

constexpr TemplateSyntax kAll[] = {TemplateSyntax::python_v1, TemplateSyntax::go_v1_2, TemplateSyntax::go_v1_8,
                                   TemplateSyntax::go_v1_17};

struct Env {
  std::map<std::string, std::string> vars;
  std::vector<std::string> unset;
  std::string operator()(std::string_view text, TemplateSyntax syntax) {
    unset.clear();
    return substitute_variables(
        text, syntax,
        [this](const std::string& k) -> std::optional<std::string> {
          auto it = vars.find(k);
          return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
        },
        unset);
  }
};

TemplateError error_of(Env& env, std::string_view text, TemplateSyntax syntax) {
  try {
    env(text, syntax);
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << text;
  return TemplateError(TemplateError::Kind::invalid, "");
}

// Goal: the forms every generation knows substitute the same way, and `${PORT}:3000` works.
TEST(ComposeInterpolation, CommonFormsInEveryGeneration) {
  Env env{{{"PORT", "3000"}, {"EMPTY", ""}, {"Tag", "v1"}}};
  for (auto syntax : kAll) {
    SCOPED_TRACE(static_cast<int>(syntax));
    EXPECT_EQ(env("${PORT}:3000", syntax), "3000:3000");
    EXPECT_EQ(env("$PORT/x", syntax), "3000/x");
    EXPECT_EQ(env("app:$Tag", syntax), "app:v1");
    EXPECT_EQ(env("cost $$5 $${PORT}", syntax), "cost $5 ${PORT}");
    EXPECT_EQ(env("${NOPE:-3001}", syntax), "3001");
    EXPECT_EQ(env("${EMPTY:-3001}", syntax), "3001");
    EXPECT_EQ(env("${EMPTY-3001}", syntax), "");
    EXPECT_EQ(env("${NOPE-3001}", syntax), "3001");
    EXPECT_EQ(env("${PORT:-1}", syntax), "3000");
    EXPECT_EQ(env("${PORT:?need a port}", syntax), "3000");
    EXPECT_EQ(env("${EMPTY?x}", syntax), "");
    EXPECT_TRUE(env.unset.empty());
  }
}

// Goal: an unset variable becomes "" and is reported once per lookup (compose warns per lookup);
// a default is no lookup.
TEST(ComposeInterpolation, UnsetVariablesAreBlankAndReported) {
  Env env;
  for (auto syntax : kAll) {
    EXPECT_EQ(env("${PORT}:3000", syntax), ":3000");
    EXPECT_EQ(env.unset, (std::vector<std::string>{"PORT"}));
    EXPECT_EQ(env("$A-$A ${B:-x}", syntax), "- x");
    EXPECT_EQ(env.unset, (std::vector<std::string>{"A", "A"}));
  }
}

// Goal: `:?` and `?` fail with the variable and the reason; `:?` also for a set-but-empty value.
TEST(ComposeInterpolation, RequiredVariablesFail) {
  Env env{{{"EMPTY", ""}}};
  for (auto syntax : kAll) {
    auto e = error_of(env, "${PORT:?set PORT first}:3000", syntax);
    EXPECT_EQ(e.kind, TemplateError::Kind::missing_required);
    EXPECT_EQ(e.variable, "PORT");
    EXPECT_EQ(e.reason, "set PORT first");
    EXPECT_EQ(error_of(env, "${EMPTY:?}", syntax).variable, "EMPTY");
    EXPECT_EQ(error_of(env, "${NOPE?}", syntax).kind, TemplateError::Kind::missing_required);
  }
  // docker-compose 1.x says the variable's name when no reason is given (`err or var`).
  EXPECT_EQ(error_of(env, "${NOPE?}", TemplateSyntax::python_v1).reason, "NOPE");
  EXPECT_EQ(error_of(env, "${NOPE?}", TemplateSyntax::go_v1_17).reason, "");
}

// Goal: a `$` compose cannot read is an error naming the whole string; `$1` only until compose-go
// 1.6 (v2.8+ leaves a `$` before a non-name as it is).
TEST(ComposeInterpolation, InvalidTemplates) {
  Env env;
  for (auto syntax : kAll) {
    auto e = error_of(env, "${PORT:3000", syntax);
    EXPECT_EQ(e.kind, TemplateError::Kind::invalid);
    EXPECT_EQ(e.template_text, "${PORT:3000");
    EXPECT_EQ(error_of(env, "${}", syntax).kind, TemplateError::Kind::invalid);
  }
  EXPECT_EQ(error_of(env, "echo $1", TemplateSyntax::python_v1).template_text, "echo $1");
  EXPECT_EQ(error_of(env, "echo $1", TemplateSyntax::go_v1_2).template_text, "echo $1");
  EXPECT_EQ(env("echo $1 5$", TemplateSyntax::go_v1_8), "echo $1 5$");
  EXPECT_EQ(env("echo $1 5$", TemplateSyntax::go_v1_17), "echo $1 5$");
}

// Goal: `:+`/`+` exist from compose-go 1.3 (compose 2.8) on; docker-compose 1.x and compose 2.5
// reject them as invalid.
TEST(ComposeInterpolation, AlternativeValueOnlyInNewerCompose) {
  Env env{{{"DEBUG", "1"}, {"EMPTY", ""}}};
  for (auto syntax : {TemplateSyntax::go_v1_8, TemplateSyntax::go_v1_17}) {
    EXPECT_EQ(env("${DEBUG:+--inspect}", syntax), "--inspect");
    EXPECT_EQ(env("${EMPTY:+--inspect}", syntax), "");
    EXPECT_EQ(env("${EMPTY+--inspect}", syntax), "--inspect");
    EXPECT_EQ(env("${NOPE+--inspect}", syntax), "");
    EXPECT_TRUE(env.unset.empty());
  }
  EXPECT_EQ(error_of(env, "${DEBUG:+x}", TemplateSyntax::python_v1).kind, TemplateError::Kind::invalid);
  EXPECT_EQ(error_of(env, "${DEBUG:+x}", TemplateSyntax::go_v1_2).kind, TemplateError::Kind::invalid);
}

// Goal: compose-go substitutes nested defaults (and looks the inner variable up even when the outer
// one is set); docker-compose 1.x takes the default as written up to the first `}`.
TEST(ComposeInterpolation, NestedDefaults) {
  Env env{{{"B", "b"}, {"A", "a"}}};
  for (auto syntax : {TemplateSyntax::go_v1_2, TemplateSyntax::go_v1_8, TemplateSyntax::go_v1_17}) {
    EXPECT_EQ(env("${NOPE:-${B}}", syntax), "b");
    EXPECT_EQ(env("${NOPE:-${NOPE2:-x}}/y", syntax), "x/y");
    EXPECT_EQ(env("${A:-${C}}", syntax), "a");
    EXPECT_EQ(env.unset, (std::vector<std::string>{"C"}));
    EXPECT_EQ(env("${NOPE:-x}-${B}-${NOPE2-y}", syntax), "x-b-y");
  }
  EXPECT_EQ(env("${NOPE:-${B}}", TemplateSyntax::python_v1), "${B}");
  EXPECT_EQ(env("${NOPE:-${B:-x}}", TemplateSyntax::python_v1), "${B:-x}");
}

// Goal: the compose version picks the generation.
TEST(ComposeInterpolation, VersionPicksTheGeneration) {
  EXPECT_EQ(template_syntax_for("1.29.2"), TemplateSyntax::python_v1);
  EXPECT_EQ(template_syntax_for("2.5.0"), TemplateSyntax::go_v1_2);
  EXPECT_EQ(template_syntax_for("v2.15.1"), TemplateSyntax::go_v1_8);
  EXPECT_EQ(template_syntax_for("2.20.2"), TemplateSyntax::go_v1_17);
}

}  // namespace
}  // namespace bg::fakes
