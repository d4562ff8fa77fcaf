// `docker inspect` (docker/cli cli/command/system/inspect.go and cli/command/inspect/inspector.go
// @v20.10.17): every object as indented JSON, or --format run first over the typed struct and, when
// that fails, over the raw JSON with missingkey=error; a template that does not parse exits 64
// ("Template parsing error: ..."), a failing one exits 1 after the others are printed.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/go_template.h"
#include "fakes/docker/inspect_values.h"

namespace bg::fakes {
namespace {

const CommandSpec kInspect{"docker inspect",
                           "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
                           "Return low-level information on Docker objects",
                           {{'f', "format", true}, {'s', "size", false}, {0, "type", true}}};

// inspector.go TemplateInspector.Inspect: typed first, the raw JSON as a fallback.
std::string render(const gotmpl::Template& t, const gotmpl::Value& typed, std::vector<std::string>& errors) {
  try {
    return t.execute(typed) + "\n";
  } catch (const gotmpl::TemplateError&) {
  }
  gotmpl::Value raw = gotmpl::Value::from_json(nlohmann::json::parse(typed.json()));
  try {
    return t.execute(raw, {true, gotmpl::FuncSet::basic}) + "\n";
  } catch (const gotmpl::TemplateError& e) {
    errors.push_back(fmt::format("Template parsing error: {}", e.what()));
  }
  return "";
}

}  // namespace

core::CommandResult DockerCli::inspect(const Args& args, const std::string& forced_type) {
  CommandSpec spec = kInspect;
  if (!forced_type.empty()) {
    spec.path = "docker " + forced_type + " inspect";
    spec.usage = spec.path + " [OPTIONS] " +
                 (forced_type == "image"     ? "IMAGE [IMAGE...]"
                  : forced_type == "network" ? "NETWORK [NETWORK...]"
                                             : "CONTAINER [CONTAINER...]");
    spec.short_text = "Display detailed information on one or more " + forced_type + "s";
  }
  CliArgs a = parse_command(spec, args);
  require_min(spec, a, 1);
  std::string type = forced_type.empty() ? a.value("type") : forced_type;
  if (!type.empty() && type != "container" && type != "image" && type != "network" && type != "volume" &&
      type != "config" && type != "node" && type != "plugin" && type != "secret" && type != "service" && type != "task")
    return failed(fmt::format("\"{}\" is not a valid value for --type", type));
  if (type != "" && type != "container" && type != "image" && type != "network")
    return core::not_modelled_result("docker inspect --type " + type);
  std::optional<gotmpl::Template> tmpl;
  if (!a.value("format").empty()) {
    try {
      tmpl = gotmpl::Template::parse(a.value("format"));
    } catch (const gotmpl::TemplateError& e) {
      return failed(fmt::format("Template parsing error: {}", e.what()), 64);
    }
  }
  std::vector<gotmpl::Value> found;
  std::vector<std::string> errors;
  std::string rendered;
  for (const auto& ref : a.positional) {
    std::optional<gotmpl::Value> v;
    if (type.empty() || type == "container")
      if (auto c = engine_.info(ref)) v = container_value(*c);
    if (!v && (type.empty() || type == "image"))
      if (auto image = engine_.image(ref))
        v = image_value(*image, [&] {
          std::vector<std::string> tags;
          for (const auto& t : engine_.images())
            if (t.id == image->id && !t.ref.empty()) tags.push_back(Registry::familiar(t.ref));
          return tags;
        }());
    if (!v && (type.empty() || type == "network"))
      if (auto n = engine_.network_record(ref)) v = network_value(*n, engine_.infos());
    if (!v) {
      errors.push_back(fmt::format("Error: No such {}: {}", type.empty() ? "object" : type, ref));
      continue;
    }
    if (tmpl) rendered += render(*tmpl, *v, errors);  // errors in the order of the arguments
    found.push_back(*v);
  }
  core::CommandResult r;
  if (tmpl)
    r.out = rendered.empty() ? "\n" : rendered;  // TemplateInspector.Flush
  else
    r.out = indented_json(found);
  for (const auto& e : errors) r.err += e + "\n";
  if (!errors.empty()) r.exit_code = 1;
  return r;
}

}  // namespace bg::fakes
