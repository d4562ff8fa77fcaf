#include "fakes/docker/docker_cli.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

const std::vector<FlagSpec> kGlobalFlags = {{'H', "host", true},   {'c', "context", true}, {'D', "debug", false},
                                            {'l', "log-level", true}, {0, "config", true}, {'v', "version", false},
                                            {0, "tls", false},     {0, "tlsverify", false}};
const std::vector<FlagSpec> kBuildFlags = {
    {'t', "tag", true},       {'f', "file", true},       {'q', "quiet", false},   {0, "no-cache", false},
    {0, "pull", false},       {0, "rm", false},          {0, "force-rm", false},  {0, "build-arg", true},
    {0, "network", true},     {0, "platform", true},     {0, "progress", true},   {0, "target", true},
    {0, "label", true},       {0, "cache-from", true}};
const std::vector<FlagSpec> kInspectFlags = {{'f', "format", true}, {0, "type", true}, {'s', "size", false}};
const std::vector<FlagSpec> kPsFlags = {{'a', "all", false},     {'q', "quiet", false}, {0, "no-trunc", false},
                                        {'f', "filter", true},   {0, "format", true},   {'n', "last", true},
                                        {'l', "latest", false},  {'s', "size", false}};

// Docker commands that exist but the simulation does not model: said so, never silently ignored.
const std::set<std::string> kUnmodelled = {"run", "stop", "start", "restart", "rm", "rmi", "images", "image",
                                           "container", "logs", "exec", "pull", "push", "tag", "kill",
                                           "network", "volume", "system", "info", "login", "logout"};

uint64_t context_size(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

core::CommandResult failure(std::string err, int code = 1) { return core::CommandResult{code, "", std::move(err)}; }

// The subset of Go templates `docker inspect -f` scripts use: `{{.A.B}}` and `{{json .A}}` over the
// inspect JSON; a missing key prints "<no value>" as Go does for a map (e.g. .State.Health of a
// container without a healthcheck).
std::string render_inspect(const std::string& format, const nlohmann::json& j) {
  static const std::regex action(R"(\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\})");
  std::string out;
  auto begin = std::sregex_iterator(format.begin(), format.end(), action);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += format.substr(last, static_cast<size_t>(it->position()) - last);
    last = static_cast<size_t>(it->position() + it->length());
    const nlohmann::json* node = &j;
    std::stringstream path((*it)[2].str());
    for (std::string key; node && std::getline(path, key, '.');)
      node = key.empty() ? node : (node->is_object() && node->contains(key) ? &(*node)[key] : nullptr);
    if (!node) out += "<no value>";
    else if ((*it)[1].matched) out += node->dump();
    else if (node->is_string()) out += node->get<std::string>();
    else if (node->is_null()) out += "<nil>";
    else out += node->dump();
  }
  return out + format.substr(last) + "\n";
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

core::CommandResult DockerCli::run(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  try {
    size_t pos = 0;
    CliArgs global = parse_flags(args, pos, kGlobalFlags, true);
    if (global.has("version")) return {0, "Docker version 20.10.17, build 100c701\n", ""};
    if (pos == args.size()) return {0, "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n", ""};
    const std::string& command = args[pos];
    std::vector<std::string> rest(args.begin() + static_cast<long>(pos) + 1, args.end());
    if (command == "compose") {
      // docker-compose v1 is a separate program: without the v2 plugin, Docker 20.10 has no
      // `compose` command (semantics.md §3: the spellings differ per version).
      if (!compose_.dialect().is_cli_plugin())
        return failure("docker: 'compose' is not a docker command.\nSee 'docker --help'\n");
      return compose_.run(rest, cwd, stop);
    }
    if (command == "build") return build(rest, cwd, stop);
    if (command == "ps") return ps(rest);
    if (command == "inspect") return inspect(rest);
    if (kUnmodelled.count(command))
      return failure(fmt::format("bluegreen: `docker {}` is not modelled by the simulation\n", command));
    return failure(fmt::format("docker: '{}' is not a docker command.\nSee 'docker --help'\n", command));
  } catch (const UsageError& e) {
    // docker/cli FlagErrorFunc: the pflag message, a pointer to --help, exit 125.
    return failure(fmt::format("{}\nSee 'docker --help'.\n", e.what()), 125);
  } catch (const DockerError& e) {
    return failure(fmt::format("Error response from daemon: {}\n", e.what()));
  }
}

// The legacy builder (DOCKER_BUILDKIT unset on Docker 20.10): client-side context checks, then
// the daemon's steps. Instructions are not executed (simplification): each step prints its ids.
core::CommandResult DockerCli::build(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  size_t pos = 0;
  CliArgs flags;
  try {
    flags = parse_flags(args, pos, kBuildFlags, false);
  } catch (const UsageError& e) {
    return failure(fmt::format("{}\nSee 'docker build --help'.\n", e.what()), 125);
  }
  if (flags.positional.size() != 1)
    return failure(
        "\"docker build\" requires exactly 1 argument.\nSee 'docker build --help'.\n\nUsage:  docker build [OPTIONS] "
        "PATH | URL | -\n\nBuild an image from a Dockerfile\n");
  fs::path context = (cwd / flags.positional[0]).lexically_normal();
  if (!fs::is_directory(context))
    return failure(fmt::format("unable to prepare context: path \"{}\" not found\n", flags.positional[0]));
  fs::path dockerfile_path = flags.has("file") ? (cwd / flags.value("file")).lexically_normal() : context / "Dockerfile";
  std::ifstream in(dockerfile_path, std::ios::binary);
  if (!in)
    return failure(fmt::format(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or "
        "directory\n",
        paths_ ? paths_->to_virtual(dockerfile_path).value_or(dockerfile_path).string() : dockerfile_path.string()));
  std::stringstream text;
  text << in.rdbuf();
  Dockerfile dockerfile;
  try {
    dockerfile = parse_dockerfile(text.str());
  } catch (const DockerfileError& e) {
    return failure(fmt::format("Error response from daemon: {}\n", e.what()));
  }
  const auto& tags = flags.values["tag"];
  core::CommandResult r;
  r.out = fmt::format("Sending build context to Docker daemon  {}\n", human_size(static_cast<double>(context_size(context))));
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

// `docker inspect NAME...` (containers): the Engine API's ContainerJSON subset scripts read —
// .State.Status, .State.Running, .State.ExitCode, .State.Health.Status, .Name, .Id, .Config.Image.
core::CommandResult DockerCli::inspect(const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kInspectFlags, false);
  if (flags.positional.empty())
    return failure("\"docker inspect\" requires at least 1 argument.\nSee 'docker inspect --help'.\n\nUsage:  docker "
                   "inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level information on Docker objects\n");
  core::CommandResult r;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& name : flags.positional) {
    std::optional<ContainerRecord> c = engine_.inspect(name);
    if (!c)
      for (const auto& other : engine_.containers())
        if (name.size() >= 3 && other.id.rfind(name, 0) == 0) c = other;
    if (!c) {
      r.err += fmt::format("Error: No such object: {}\n", name);
      r.exit_code = 1;
      continue;
    }
    nlohmann::json state = {{"Status", state_name(c->state)},
                            {"Running", c->state == ContainerState::running || c->state == ContainerState::paused},
                            {"Paused", c->state == ContainerState::paused},
                            {"Restarting", c->state == ContainerState::restarting},
                            {"Dead", c->state == ContainerState::dead},
                            {"ExitCode", c->exit_code},
                            {"StartedAt", core::format_seconds(c->started - core::Time{})},
                            {"FinishedAt", core::format_seconds(c->finished - core::Time{})}};
    if (!c->health.empty()) state["Health"] = {{"Status", c->health}, {"FailingStreak", 0}};
    nlohmann::json j = {{"Id", c->id},
                        {"Name", "/" + c->name},
                        {"Image", "sha256:" + c->image_id},
                        {"State", state},
                        {"Config", {{"Image", c->image}, {"Cmd", c->command}}}};
    if (flags.has("format")) r.out += render_inspect(flags.value("format"), j);
    else all.push_back(j);
  }
  // Times are scenario seconds since the run began, not RFC 3339 (simplification).
  if (!flags.has("format")) r.out = all.dump(4) + "\n";
  return r;
}

// docker/cli `docker ps` (tabwriter minwidth 10, padding 3), newest first.
core::CommandResult DockerCli::ps(const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kPsFlags, false);
  if (flags.has("filter") || flags.has("format"))
    return failure("bluegreen: `docker ps --filter/--format` is not modelled by the simulation\n");
  auto containers = engine_.containers();
  std::stable_sort(containers.begin(), containers.end(),
                   [](const ContainerRecord& a, const ContainerRecord& b) { return a.created > b.created; });
  core::Time now = engine_.clock().now();
  TabWriter table(10, 3);
  table.row({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"});
  core::CommandResult r;
  for (const auto& c : containers) {
    if (!flags.has("all") && c.state != ContainerState::running) continue;
    if (flags.has("quiet")) {
      r.out += c.id.substr(0, 12) + "\n";
      continue;
    }
    std::string status = engine_status(c, now);
    table.row({c.id.substr(0, 12), c.image, go_quote(ellipsis(c.command, 20)),
               human_duration(core::to_seconds(now - c.created)) + " ago", status, ComposeV2Dialect::ports(c), c.name});
  }
  if (!flags.has("quiet")) r.out = table.str();
  return r;
}

}  // namespace bg::fakes
