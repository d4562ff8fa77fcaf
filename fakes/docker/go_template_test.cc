#include "fakes/docker/go_template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/not_modelled.h"

namespace bg::fakes::gotmpl {
namespace {

// A container as `docker inspect` types it (a small part of types.ContainerJSON).
Value typed_container(bool with_health) {
  Value state = Value::structure("*types.ContainerState");
  state.field("Status", Value::string("running"))
      .field("Running", Value::boolean(true))
      .field("ExitCode", Value::integer(0));
  if (with_health)
    state.field("Health", Value::structure("*types.Health").field("Status", Value::string("healthy")), "Health", true);
  else
    state.field("Health", Value::nil("*types.Health"), "Health", true);
  Value labels = Value::map({{"color", Value::string("blue")}, {"app", Value::string("web")}}, "map[string]string",
                            Value::string(""));
  Value config = Value::structure("*container.Config");
  config.field("Image", Value::string("web:1")).field("Labels", labels);
  Value net = Value::structure("*network.EndpointSettings").field("IPAddress", Value::string("172.18.0.2"));
  Value networks = Value::map({{"app_net", net}}, "map[string]*network.EndpointSettings");
  Value settings = Value::structure("*types.NetworkSettings").field("Networks", networks);
  Value c = Value::structure("types.ContainerJSON");
  c.field("ID", Value::string("abc123"), "Id").field("Name", Value::string("/blue")).field("State", state);
  c.field("Config", config).field("NetworkSettings", settings);
  return c;
}

std::string run(const std::string& text, const Value& data, Template::Options o = {}) {
  return Template::parse(text).execute(data, o);
}

std::string parse_error(const std::string& text) {
  try {
    Template::parse(text);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "(parsed)";
}

std::string exec_error(const std::string& text, const Value& data, Template::Options o = {}) {
  try {
    return "(printed) " + run(text, data, o);
  } catch (const TemplateError& e) {
    return e.what();
  }
}

// Goal: the fields, index, range and if forms scripts use print what Go prints.
TEST(GoTemplate, PrintsFieldsIndexRangeAndConditionals) {
  Value c = typed_container(true);
  EXPECT_EQ(run("{{.State.Running}}", c), "true");
  EXPECT_EQ(run("{{.State.Health.Status}}", c), "healthy");
  EXPECT_EQ(run("{{ .Name }}", c), "/blue");
  EXPECT_EQ(run("{{index .Config.Labels \"color\"}}", c), "blue");
  EXPECT_EQ(run("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", c), "172.18.0.2");
  EXPECT_EQ(run("{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}} {{end}}", c),
            "app_net=172.18.0.2 ");
  EXPECT_EQ(run("{{if eq .State.Status \"running\"}}up{{else}}down{{end}}", c), "up");
  EXPECT_EQ(run("{{if ne .State.Status \"running\"}}up{{else if .State.Running}}yes{{end}}", c), "yes");
  EXPECT_EQ(run("{{with .Config}}{{.Image}}{{end}}", c), "web:1");
  EXPECT_EQ(run("{{$s := .State}}{{$s.ExitCode}}", c), "0");
  EXPECT_EQ(run("a  {{- .State.Status -}}  b {{/* a comment */}}c", c), "arunningb c");
}

// Goal: a missing map key prints "<no value>", index gives the element's zero value, and only a
// struct field that does not exist is an error (Go's own distinction).
TEST(GoTemplate, MissingKeysFollowGoRules) {
  Value c = typed_container(true);
  EXPECT_EQ(run("{{.Config.Labels.nope}}", c), "<no value>");
  EXPECT_EQ(run("[{{index .Config.Labels \"nope\"}}]", c), "[]");
  EXPECT_EQ(exec_error("{{.State.Nope}}", c),
            "template: :1:8: executing \"\" at <.State.Nope>: can't evaluate field Nope in type *types.ContainerState");
  EXPECT_EQ(exec_error("{{.Config.Labels.nope}}", c, {true, FuncSet::basic}),
            "template: :1:9: executing \"\" at <.Config.Labels.nope>: map has no entry for key \"nope\"");
}

// Goal: a container without a healthcheck fails on .State.Health.Status typed (nil pointer) and,
// over the raw JSON with missingkey=error, with the message docker users see.
TEST(GoTemplate, NilHealthFailsTypedAndRaw) {
  Value typed = typed_container(false);
  EXPECT_EQ(exec_error("{{.State.Health.Status}}", typed),
            "template: :1:8: executing \"\" at <.State.Health.Status>: nil pointer evaluating *types.Health.Status");
  Value raw = Value::from_json(nlohmann::json::parse(typed.json()));
  EXPECT_EQ(exec_error("{{.State.Health.Status}}", raw, {true, FuncSet::basic}),
            "template: :1:8: executing \"\" at <.State.Health.Status>: map has no entry for key \"Health\"");
  EXPECT_EQ(run("{{.Id}}", raw, {true, FuncSet::basic}), "abc123");
}

// Goal: json writes struct fields in order with json names, omits empty omitempty fields, and
// sorts map keys, as encoding/json does.
TEST(GoTemplate, JsonEncodesLikeEncodingJson) {
  Value c = typed_container(false);
  EXPECT_EQ(run("{{json .State}}", c), R"({"Status":"running","Running":true,"ExitCode":0})");
  EXPECT_EQ(run("{{json .Config.Labels}}", c), R"({"app":"web","color":"blue"})");
  EXPECT_EQ(run("{{json .Id}}", Value::from_json({{"Id", "x<y>"}})), "\"x<y>\"");
}

// Goal: functions: printf, len, split/join, upper/lower, pad, truncate, and/or/not, lt/gt.
TEST(GoTemplate, FunctionsBehaveAsGoAndDocker) {
  Value c = typed_container(true);
  EXPECT_EQ(run("{{printf \"%s:%d\" .State.Status .State.ExitCode}}", c), "running:0");
  EXPECT_EQ(run("{{len .Config.Labels}}", c), "2");
  EXPECT_EQ(run("{{join (split \"a,b,c\" \",\") \"-\"}}", c), "a-b-c");
  EXPECT_EQ(run("{{upper .State.Status}} {{lower \"AB\"}} {{title \"hello world\"}}", c), "RUNNING ab Hello World");
  EXPECT_EQ(run("[{{pad .State.Status 1 2}}] {{truncate .State.Status 3}}", c), "[ running  ] run");
  EXPECT_EQ(run("{{and .State.Running .State.ExitCode}} {{or .State.ExitCode \"x\"}} {{not .State.Running}}", c),
            "0 x false");
  EXPECT_EQ(run("{{lt 1 2}} {{gt \"b\" \"a\"}} {{le 2 2}} {{ge 1 2}}", c), "true true true false");
  EXPECT_EQ(run("{{.State.Status | printf \"%q\"}}", c), "\"running\"");
}

// Goal: Go's parse errors, word for word.
TEST(GoTemplate, ParseErrorsHaveGosWording) {
  EXPECT_EQ(parse_error("{{.State.Running"), "template: :1: unclosed action");
  EXPECT_EQ(parse_error("{{if .X}}a"), "template: :1: unexpected EOF");
  EXPECT_EQ(parse_error("a{{end}}"), "template: :1: unexpected {{end}}");
  EXPECT_EQ(parse_error("{{foo .X}}"), "template: :1: function \"foo\" not defined");
  EXPECT_EQ(parse_error("{{}}"), "template: :1: missing value for command");
  EXPECT_EQ(parse_error("{{$x}}"), "template: :1: undefined variable \"$x\"");
  EXPECT_EQ(parse_error("{{.X \"a}}"), "template: :1: unterminated quoted string");
  // The lexer's error item reaches the pipeline first (parse.go pipeline: unexpected ... in command).
  EXPECT_EQ(parse_error("{{.X!}}"), "template: :1: unexpected bad character U+0021 '!' in command");
  EXPECT_EQ(parse_error("{{if}}{{end}}"), "template: :1: missing value for if");
  EXPECT_EQ(parse_error("line\n{{else}}"), "template: :2: unexpected {{else}}");
  EXPECT_EQ(parse_error("{{.X | 3}}"), "template: :1: non executable command in pipeline stage 2");
  EXPECT_EQ(parse_error("{{.State.Running}}"), "(parsed)");
}

// Goal: execution errors name the node and position Go names.
TEST(GoTemplate, ExecutionErrorsHaveGosWording) {
  Value c = typed_container(true);
  EXPECT_EQ(exec_error("{{eq .State.Running \"true\"}}", c),
            "template: :1:2: executing \"\" at <eq .State.Running \"true\">: error calling eq: incompatible types for "
            "comparison");
  EXPECT_EQ(exec_error("{{lower .State.Running}}", c),
            "template: :1:14: executing \"\" at <.State.Running>: wrong type for value; expected string; got bool");
  EXPECT_EQ(exec_error("{{upper 3}}", c), "template: :1:8: executing \"\" at <3>: expected string; found 3");
  EXPECT_EQ(exec_error("{{index .Config.Labels 1}}", c),
            "template: :1:2: executing \"\" at <index .Config.Labels 1>: error calling index: value has type int; "
            "should be string");
  EXPECT_EQ(exec_error("{{range .State.Status}}x{{end}}", c),
            "template: :1:14: executing \"\" at <.State.Status>: range can't iterate over running");
}

// Goal: a method with an argument (docker's `.Label "x"` on a ps context) is called.
TEST(GoTemplate, CallsMethods) {
  Value ctx = Value::structure("*formatter.ContainerContext");
  ctx.method("Label", {1, [](const std::vector<Value>& a) { return Value::string("v-" + a[0].as_string()); }});
  EXPECT_EQ(run("{{.Label \"color\"}}", ctx), "v-color");
  EXPECT_EQ(
      exec_error("{{.Names}}", ctx),
      "template: :1:2: executing \"\" at <.Names>: can't evaluate field Names in type *formatter.ContainerContext");
}

// Goal: what is not modelled says so by name instead of printing a guess.
TEST(GoTemplate, UnmodelledConstructsAreNamed) {
  auto subject = [](const std::string& text) {
    try {
      Template::parse(text).execute(Value::structure("x"));
    } catch (const core::NotModelled& e) {
      return e.subject();
    }
    return std::string("(modelled)");
  };
  EXPECT_EQ(subject("{{define \"x\"}}a{{end}}"), "Go template {{define}}");
  EXPECT_EQ(subject("{{template \"x\"}}"), "Go template {{template}}");
  EXPECT_EQ(subject("{{html .X}}"), "Go template function html");
  EXPECT_EQ(subject("{{printf \"%x\" 3}}"), "Go template printf verb %x");
  EXPECT_EQ(subject("{{printf \"%d\" 3}}"), "(modelled)");
}

}  // namespace
}  // namespace bg::fakes::gotmpl
