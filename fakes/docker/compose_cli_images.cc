// ComposeCli's image commands: `pull` and `build` (docker/compose v2.5.0 pkg/compose/pull.go and
// build.go; docker-compose 1.29.2 compose/project.py pull/build, compose/service.py build).
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "fakes/docker/compose_cli.h"
#include "fakes/docker/compose_cli_context.h"

namespace bg::fakes {
namespace fs = std::filesystem;

// `pull [SERVICE...]`: each service's image from the run's registry. A service without `image:`
// is skipped, and one whose pull_policy is missing when its image is there; a failure ends the
// command (exit 18 in v2) unless --ignore-pull-failures.
void ComposeCli::pull(Context& ctx, const CliArgs& flags) {
  ComposeProject project = load(ctx);
  auto services = with_dependencies(ctx, project, flags.positional, !flags.has("include-deps"));
  if (!services) return;
  core::CommandResult& r = ctx.result;
  const bool quiet = flags.has("quiet");
  std::string tail;
  for (const ServiceConfig* s : *services) {
    bool present = !s->image.empty() && engine_.image(s->image).has_value();
    if (s->image.empty() || (present && !s->pull_policy.empty())) {
      if (!quiet) r.err += dialect_->pull_skipped(s->name, present);
      continue;
    }
    if (!quiet) r.err += dialect_->pull_command_begin(s->name);
    try {
      engine_.pull(s->image);
    } catch (const DockerError& e) {
      if (flags.has("ignore-pull-failures")) {
        tail += fmt::format("Pulling {}: {}\n", s->name, e.what());  // the writer's TailMsgf
        continue;
      }
      r.err += dialect_->pull_failed(s->name, e.what());
      r.exit_code = dialect_->pull_failure_exit();
      return;
    }
    if (!quiet) r.err += dialect_->pull_command_done(s->name);
  }
  r.err += tail;
}

// `build [SERVICE...]`: every service with `build:`; the others use an image.
void ComposeCli::build(Context& ctx, const CliArgs& flags) {
  ComposeProject project = load(ctx);
  auto services = with_dependencies(ctx, project, flags.positional, true);
  if (!services) return;
  for (const ServiceConfig* s : *services) {
    if (!s->build) {
      if (dialect_->major() == 1) ctx.result.err += fmt::format("{} uses an image, skipping\n", s->name);
      continue;
    }
    if (!build_service(ctx, project, *s)) return;
  }
}

// One service's image from its context's Dockerfile, through the engine's builder, tagged with the
// service's image name (or compose's default).
bool ComposeCli::build_service(Context& ctx, const ComposeProject& project, const ServiceConfig& s) {
  const BuildConfig& b = *s.build;
  std::string image = image_of(project, s);
  auto real = [&](const std::string& host) { return paths_ ? paths_->resolve(host) : fs::path(host); };
  std::error_code ec;
  if (!fs::is_directory(real(b.context), ec)) {
    fail(ctx,
         dialect_->major() == 1
             ? fmt::format("build path {} either does not exist, is not accessible, or is not a valid URL.", b.context)
             : fmt::format("unable to prepare context: path \"{}\" not found", b.context),
         dialect_->build_failure_exit());
    return false;
  }
  std::string dockerfile_path = (fs::path(b.context) / b.dockerfile).lexically_normal().string();
  std::ifstream in(real(dockerfile_path), std::ios::binary);
  if (!in) {
    fail(ctx,
         dialect_->major() == 1
             ? fmt::format("Cannot locate specified Dockerfile: {}", b.dockerfile)
             : fmt::format("failed to solve: failed to read dockerfile: open {}: no such file or directory",
                           dockerfile_path),
         dialect_->build_failure_exit());
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  Dockerfile dockerfile;
  try {
    dockerfile = parse_dockerfile(text.str());
  } catch (const DockerfileError& e) {
    fail(ctx, e.what(), dialect_->build_failure_exit());
    return false;
  }
  BuildResult built = engine_.build(dockerfile, image, ctx.stop);
  core::CommandResult out = dialect_->build_output(s.name, image, dockerfile, built);
  ctx.result.out += out.out;
  ctx.result.err += out.err;
  return true;
}

}  // namespace bg::fakes
