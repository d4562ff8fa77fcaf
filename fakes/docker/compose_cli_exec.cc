// `compose exec [-T] [-e K=V] [-u U] [-w W] [--index N] SERVICE COMMAND [ARG...]`: the command in
// the service's container number N (1), run by the container's process as `docker exec` runs it
// (ContainerProcess::exec); its exit code is compose's.
//
//  - v2 (docker/compose v2.20.2 cmd/compose/exec.go, pkg/compose/exec.go, containers.go
//    getSpecifiedContainer): the running containers of the project's service; none is `service "x"
//    is not running container #N`. -T defaults to on when compose's output is not a terminal, which
//    it never is in a deploy script.
//  - v1 (docker-compose 1.29.2 cli/main.py exec_command, service.py get_container): the service must
//    be in the compose file; no running container is "No container found for x_N". Without -T it
//    runs `docker exec -i -t`, which fails without a terminal: "the input device is not a TTY". The
//    scripts of a run never have one (a CodeDeploy hook's stdin is /dev/null).
#include <fmt/format.h>

#include "fakes/docker/compose_cli_context.h"
#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

void ComposeCli::exec(Context& ctx, const CliArgs& flags, const std::vector<std::string>& words) {
  // cobra.MinimumNArgs(2) (v2); v1's docopt prints exec's help (ComposeV1Dialect::bad_flag).
  if (words.size() < 2) throw UsageError(fmt::format("requires at least 2 arg(s), only received {}", words.size()));
  const std::string& service = words[0];
  int index = 1;
  if (flags.has("index")) {
    const std::string v = flags.value("index");
    if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError(
          fmt::format("invalid argument \"{}\" for \"--index\" flag: strconv.ParseInt: parsing \"{}\": "
                      "invalid syntax",
                      v, v));
    index = std::stoi(v);
  }
  const bool v1 = dialect_->major() == 1;
  std::string project;
  if (v1) {
    const ComposeProject loaded = load(ctx);
    if (!loaded.config.find(service)) return fail(ctx, dialect_->no_such_service(service));
    project = loaded.name;
  } else {
    project = project_name(ctx);
  }
  std::optional<ContainerRecord> target;
  for (const auto& c : containers(project, {service}))
    // Both look among running containers only: v2's getSpecifiedContainer, and v1's
    // get_container (client.containers() without all=True).
    if (c.number == index && c.state == ContainerState::running) target = c;
  if (!target) {
    ctx.result.err += v1 ? fmt::format("No container found for {}_{}\n", service, index)
                         : fmt::format("service \"{}\" is not running container #{}\n", service, index);
    ctx.result.exit_code = 1;
    return;
  }
  if (v1 && !flags.has("no-TTY")) {
    ctx.result.err += "the input device is not a TTY\n";
    ctx.result.exit_code = 1;
    return;
  }
  ExecRequest request;
  request.argv.assign(words.begin() + 1, words.end());
  for (const auto& e : flags.values.count("env") ? flags.values.at("env") : std::vector<std::string>{}) {
    const size_t eq = e.find('=');
    if (eq == 0 || e.empty()) return fail(ctx, "invalid environment variable: " + e);
    if (eq != std::string::npos)
      request.env[e.substr(0, eq)] = e.substr(eq + 1);
    else if (ctx.env.count(e))
      request.env[e] = ctx.env.at(e);
  }
  request.user = flags.value("user");
  request.workdir = flags.value("workdir");
  request.interactive = true;  // compose attaches its standard input (none here: the shim passes none)
  core::CommandResult r = engine_.exec(target->name, request, ctx.stop);
  ctx.result.out += r.out;
  ctx.result.err += r.err;
  ctx.result.exit_code = r.exit_code;
  ctx.result.not_modelled = r.not_modelled;
}

}  // namespace bg::fakes
