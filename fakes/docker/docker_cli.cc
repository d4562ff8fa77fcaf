#include "fakes/docker/docker_cli.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

const std::vector<FlagSpec> kGlobalFlags = {{'H', "host", true},      {'c', "context", true}, {'D', "debug", false},
                                            {'l', "log-level", true}, {0, "config", true},    {'v', "version", false},
                                            {0, "tls", false},        {0, "tlsverify", false}};
const std::vector<FlagSpec> kBuildFlags = {{'t', "tag", true},     {'f', "file", true},    {'q', "quiet", false},
                                           {0, "no-cache", false}, {0, "pull", false},     {0, "rm", false},
                                           {0, "force-rm", false}, {0, "build-arg", true}, {0, "network", true},
                                           {0, "platform", true},  {0, "progress", true},  {0, "target", true},
                                           {0, "label", true},     {0, "cache-from", true}};
uint64_t context_size(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

// Docker commands the simulation does not model (docker/cli@v20.10.17 has them): said so by name.
const std::set<std::string> kUnmodelled = {
    "attach",  "commit",  "diff",   "events", "export",  "history",  "import",  "info",
    "load",    "pause",   "save",   "search", "stats",   "top",      "unpause", "update",
    "version", "builder", "buildx", "config", "context", "manifest", "node",    "plugin",
    "secret",  "service", "stack",  "swarm",  "system",  "trust",    "scan",    "checkpoint"};

// A management command without a subcommand, or with one it does not have (cobra NoArgs with
// subcommands: the usage, exit 1). Simplification: the list of its commands is not printed.
core::CommandResult group_usage(const std::string& group, const std::string& what) {
  return failed(
      fmt::format("\nUsage:  docker {} COMMAND\n\n{}\n\nRun 'docker {} COMMAND --help' for more "
                  "information on a command.",
                  group, what, group));
}

}  // namespace

std::string DockerCli::human_size(double bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int i = 0;
  while (bytes >= 1000 && i < 5) {
    bytes /= 1000;
    ++i;
  }
  return fmt::format("{:.4g}{}", bytes, units[i]);
}

std::filesystem::path DockerCli::real_path(const std::filesystem::path& host) const {
  return paths_ ? paths_->resolve(host) : host;
}

std::string DockerCli::host_text(const std::filesystem::path& real) const {
  return paths_ ? paths_->to_virtual(real).value_or(real).string() : real.string();
}

core::CommandResult DockerCli::run(const DockerCall& call, std::stop_token stop) {
  const auto& args = call.args;
  try {
    size_t pos = 0;
    CliArgs global;
    try {
      global = parse_flags(args, pos, kGlobalFlags, true);
    } catch (const UsageError& e) {
      return failed(fmt::format("{}\nSee 'docker --help'.", e.what()), 125);
    }
    if (global.has("version")) return {0, "Docker version 20.10.17, build 100c701\n", ""};
    if (global.has("host") || global.has("context") || global.has("tls") || global.has("tlsverify"))
      return core::not_modelled_result("docker --host/--context/--tls (another daemon)");
    if (pos == args.size())
      return {0, "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n", ""};
    std::vector<std::string> rest(args.begin() + static_cast<long>(pos) + 1, args.end());
    return dispatch(args[pos], rest, call, stop);
  } catch (const CliFailure& f) {
    return f.result;
  } catch (const DockerError& e) {
    return failed(daemon_error(e.what()));
  } catch (const core::NotModelled& e) {
    return core::not_modelled_result(e.subject());
  }
}

core::CommandResult DockerCli::dispatch(const std::string& command, const Args& rest, const DockerCall& call,
                                        std::stop_token stop) {
  if (command == "compose") {
    // docker-compose v1 is a separate program: without the v2 plugin, Docker 20.10 has no
    // `compose` command (semantics.md §3: the spellings differ per version).
    if (!compose_.dialect().is_cli_plugin())
      return failed("docker: 'compose' is not a docker command.\nSee 'docker --help'");
    return compose_.run(rest, call.cwd, stop);
  }
  if (command == "build") return build(rest, call.cwd, stop);
  if (command == "run") return run_container(rest, call, false, stop);
  if (command == "create") return run_container(rest, call, true, stop);
  if (command == "rm") return rm(rest, stop);
  if (command == "stop") return this->stop(rest, stop);
  if (command == "start") return start(rest);
  if (command == "restart") return restart(rest, stop);
  if (command == "kill") return kill(rest);
  if (command == "logs") return logs(rest);
  if (command == "rename") return rename(rest);
  if (command == "wait") return wait(rest, stop);
  if (command == "port") return port(rest);
  if (command == "exec") return exec(rest, call, stop);
  if (command == "cp") return cp(rest, call);
  if (command == "inspect") return inspect(rest, "");
  if (command == "ps") return ps(rest);
  if (command == "images") return images(rest);
  if (command == "pull") return pull(rest);
  if (command == "push") return push(rest);
  if (command == "tag") return tag(rest);
  if (command == "rmi") return rmi(rest);
  if (command == "login") return login(rest, call);
  if (command == "logout") return logout(rest);
  if (command == "network") return network(rest);
  if (command == "volume") return volume(rest);
  if (command == "container") return container_group(rest, call, stop);
  if (command == "image") return image_group(rest, call);
  if (kUnmodelled.count(command)) return core::not_modelled_result("docker " + command);
  return failed(fmt::format("docker: '{}' is not a docker command.\nSee 'docker --help'", command));
}

// `docker container <verb>`: the same commands under their management group.
core::CommandResult DockerCli::container_group(const Args& rest, const DockerCall& call, std::stop_token stop) {
  static const std::set<std::string> verbs = {"run",  "create", "rm",   "stop", "start", "restart", "kill",
                                              "logs", "rename", "wait", "port", "exec",  "cp",      "ps"};
  if (rest.empty()) return group_usage("container", "Manage containers");
  const std::string& verb = rest[0];
  Args more(rest.begin() + 1, rest.end());
  if (verb == "ls" || verb == "list") return ps(more);
  if (verb == "inspect") return inspect(more, "container");
  if (verbs.count(verb)) return dispatch(verb, more, call, stop);
  if (verb == "prune" || verb == "attach" || verb == "commit" || verb == "diff" || verb == "export" ||
      verb == "pause" || verb == "stats" || verb == "top" || verb == "unpause" || verb == "update")
    return core::not_modelled_result("docker container " + verb);
  return group_usage("container", "Manage containers");
}

core::CommandResult DockerCli::image_group(const Args& rest, const DockerCall& call) {
  if (rest.empty()) return group_usage("image", "Manage images");
  const std::string& verb = rest[0];
  Args more(rest.begin() + 1, rest.end());
  if (verb == "ls" || verb == "list") return images(more);
  if (verb == "pull") return pull(more);
  if (verb == "push") return push(more);
  if (verb == "tag") return tag(more);
  if (verb == "rm" || verb == "remove") return rmi(more);
  if (verb == "prune") return image_prune(more, call);
  if (verb == "inspect") return inspect(more, "image");
  if (verb == "build" || verb == "history" || verb == "import" || verb == "load" || verb == "save")
    return core::not_modelled_result("docker image " + verb);
  return group_usage("image", "Manage images");
}

// The legacy builder (DOCKER_BUILDKIT unset on Docker 20.10): client-side context checks, then
// the daemon's steps. Instructions are not executed (simplification): each step prints its ids.
core::CommandResult DockerCli::build(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  size_t pos = 0;
  CliArgs flags;
  try {
    flags = parse_flags(args, pos, kBuildFlags, false);
  } catch (const UsageError& e) {
    return failed(fmt::format("{}\nSee 'docker build --help'.\n", e.what()), 125);
  }
  if (flags.positional.size() != 1)
    return failed(
        "\"docker build\" requires exactly 1 argument.\nSee 'docker build --help'.\n\nUsage:  docker build [OPTIONS] "
        "PATH | URL | -\n\nBuild an image from a Dockerfile\n");
  fs::path context_host = (cwd / flags.positional[0]).lexically_normal();
  fs::path context = real_path(context_host);
  if (!fs::is_directory(context))
    return failed(fmt::format("unable to prepare context: path \"{}\" not found\n", flags.positional[0]));
  fs::path dockerfile_host =
      flags.has("file") ? (cwd / flags.value("file")).lexically_normal() : context_host / "Dockerfile";
  std::ifstream in(real_path(dockerfile_host), std::ios::binary);
  if (!in)
    return failed(fmt::format(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or "
        "directory\n",
        host_text(real_path(dockerfile_host))));
  std::stringstream text;
  text << in.rdbuf();
  Dockerfile dockerfile;
  try {
    dockerfile = parse_dockerfile(text.str());
  } catch (const DockerfileError& e) {
    return failed(fmt::format("Error response from daemon: {}\n", e.what()));
  }
  const auto& tags = flags.values["tag"];
  core::CommandResult r;
  r.out = fmt::format("Sending build context to Docker daemon  {}\n",
                      human_size(static_cast<double>(context_size(context))));
  BuildResult built;
  try {
    built = engine_.build(dockerfile, tags.empty() ? "" : tags.front(), stop);
  } catch (const DockerError& e) {
    r.err = fmt::format("{}\n", e.what());
    r.exit_code = 1;
    return r;
  }
  for (size_t i = 1; i < tags.size(); ++i) engine_.tag(built.image, tags[i]);
  const auto& steps = dockerfile.instructions;
  for (size_t i = 0; i < steps.size(); ++i) {
    r.out += fmt::format("Step {}/{} : {}\n", i + 1, steps.size(), steps[i].original);
    if (!built.container_ids[i].empty())
      r.out += fmt::format(" ---> Running in {}\nRemoving intermediate container {}\n", built.container_ids[i],
                           built.container_ids[i]);
    r.out += fmt::format(" ---> {}\n", built.layer_ids[i]);
  }
  r.out += fmt::format("Successfully built {}\n", built.image.id.substr(0, 12));
  for (const auto& tag : tags) r.out += fmt::format("Successfully tagged {}\n", ImageStore::normalize_ref(tag));
  if (flags.has("quiet")) r.out = fmt::format("sha256:{}\n", built.image.id);
  return r;
}

}  // namespace bg::fakes
