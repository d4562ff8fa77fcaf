// `docker run -d` and `docker create` (docker/cli cli/command/container/run.go, create.go@v20.10.17):
// the image is pulled when missing ("Unable to find image ... locally" and the pull's progress on
// stderr), the container created (its id on stdout), then started; failures are reported as
// "docker: <error>." with exit 125, or 126/127 when the daemon says the command cannot run.
#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/docker_run_args.h"

namespace bg::fakes {
namespace {

// run.go runStartContainerErr.
int start_error_code(const std::string& error) {
  if (error.find("executable file not found") != std::string::npos ||
      error.find("no such file or directory") != std::string::npos)
    return 127;
  if (error.find("permission denied") != std::string::npos) return 126;
  return 125;
}

bool valid_container_name(const std::string& name) {
  if (name.size() < 2 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

// The repository path a pull names after "Pulling from": the reference without its registry host.
std::string repo_path(const std::string& ref) {
  std::string full = Registry::fully_qualified(ref);
  std::string name = full.substr(0, full.find_first_of(":@", full.find('/')));
  return name.substr(name.find('/') + 1);
}

std::string tag_of(const std::string& ref) {
  std::string full = Registry::fully_qualified(ref);
  size_t at = full.find('@');
  if (at != std::string::npos) return full.substr(at + 1);
  return full.substr(full.rfind(':') + 1);
}

}  // namespace

// jsonmessage's non-terminal output of a pull (moby distribution/pull_v2.go@v20.10.17): one line
// per layer event, the digest, the status. Simplification: every image has three layers whose ids
// come from its image id.
std::string DockerCli::pull_progress(const std::string& ref, const PullResult& pulled) {
  std::string out = fmt::format("{}: Pulling from {}\n", tag_of(ref), repo_path(ref));
  const std::string& id = pulled.image.id;
  std::vector<std::string> layers = {id.substr(0, 12), id.substr(12, 12), id.substr(24, 12)};
  if (pulled.downloaded) {
    for (const auto& l : layers) out += l + ": Pulling fs layer\n";
    for (const auto& l : layers) out += fmt::format("{0}: Verifying Checksum\n{0}: Download complete\n", l);
    for (const auto& l : layers) out += l + ": Pull complete\n";
  }
  std::string digest = pulled.image.repo_digests.empty() ? "sha256:" + id : pulled.image.repo_digests.front();
  out += "Digest: " + digest.substr(digest.find('@') + 1) + "\n";
  out += fmt::format("Status: {} for {}\n", pulled.downloaded ? "Downloaded newer image" : "Image is up to date",
                     Registry::familiar(ref));
  return out;
}

core::CommandResult DockerCli::run_container(const Args& args, const DockerCall& call, bool create,
                                             std::stop_token stop) {
  const std::string command = create ? "create" : "run";
  RunArgs r = parse_run_args(args, create, {call.cwd, paths_, &call.env});
  if (!create && !r.detach)
    return core::not_modelled_result("docker run without -d (the attached container would block the script)");
  core::CommandResult out;
  auto fail = [&](const std::string& error, bool help, int code) {
    core::CommandResult f = report_error(command, error, help, code);
    f.out = out.out;
    f.err = out.err + f.err;
    return f;
  };
  if (!r.spec.name.empty() && !valid_container_name(r.spec.name))
    return fail(daemon_error(fmt::format("Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                                         r.spec.name)),
                true, 125);
  bool local = engine_.image(r.spec.image).has_value();
  if (r.pull == "always" || (!local && r.pull == "missing")) {
    if (!local && r.pull == "missing")
      out.err += fmt::format("Unable to find image '{}' locally\n", Registry::familiar(r.spec.image));
    try {
      out.err += pull_progress(r.spec.image, engine_.pull_image(r.spec.image));
    } catch (const DockerError& e) {
      return fail(daemon_error(e.what()), true, 125);
    }
  }
  if (r.spec.name.empty()) r.spec.name = engine_.random_name();
  ContainerRecord created;
  try {
    created = engine_.create(r.spec);
  } catch (const DockerError& e) {
    return fail(daemon_error(e.what()), true, 125);
  }
  out.out = created.id + "\n";
  if (create) return out;
  try {
    engine_.start(created.name);
  } catch (const DockerError& e) {
    if (r.spec.auto_remove) engine_.remove(created.name, stop);  // --rm: the daemon removes it
    return fail(daemon_error(e.what()), false, start_error_code(e.what()));
  }
  return out;
}

}  // namespace bg::fakes
