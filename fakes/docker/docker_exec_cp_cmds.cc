// `docker exec` and `docker cp` (docker/cli cli/command/container/exec.go, cp.go@v20.10.17). exec
// runs the command in the container's process (ContainerProcess::exec), which models what its
// image's health checks and admin commands do; its exit code is docker exec's. cp works on the
// container's filesystem (ContainerFs): its writable layer, or through a bind mount the host file.
#include <fmt/format.h>

#include "fakes/docker/container_fs.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

const CommandSpec kExec{"docker exec",
                        "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
                        "Run a command in a running container",
                        {{'d', "detach", false},
                         {0, "detach-keys", true},
                         {'e', "env", true},
                         {0, "env-file", true},
                         {'i', "interactive", false},
                         {0, "privileged", false},
                         {'t', "tty", false},
                         {'u', "user", true},
                         {'w', "workdir", true}},
                        false,
                        {"detach", "env-file"}};
const CommandSpec kCp{"docker cp",
                      "docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- "
                      "CONTAINER:DEST_PATH",
                      "Copy files/folders between a container and the local filesystem",
                      {{'a', "archive", false}, {'L', "follow-link", false}}};

// cp.go splitCpArg: an absolute path, or one whose part before ':' starts with '.', is local.
std::pair<std::string, std::string> split_cp_arg(const std::string& arg) {
  if (!arg.empty() && arg[0] == '/') return {"", arg};
  size_t colon = arg.find(':');
  if (colon == std::string::npos || arg[0] == '.') return {"", arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A container path under a read-only bind mount (moby: "mounted volume is marked read-only").
bool read_only_target(const ContainerInfo& c, const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  for (const auto& m : c.spec.mounts)
    if (m.read_only && (p == m.target || p.rfind(m.target + "/", 0) == 0)) return true;
  return false;
}

}  // namespace

core::CommandResult DockerCli::exec(const Args& args, const DockerCall& call, std::stop_token stop) {
  CliArgs a = parse_command(kExec, args);
  require_min(kExec, a, 2);
  const std::string& container = a.positional[0];
  std::optional<ContainerInfo> c = engine_.info(container);
  if (!c) return failed("Error: No such container: " + container);  // exec.go inspects first
  ExecRequest request;
  request.argv.assign(a.positional.begin() + 1, a.positional.end());
  for (const auto& e : a.values["env"]) {
    size_t eq = e.find('=');
    if (eq == 0 || e.empty()) return failed("invalid environment variable: " + e);
    if (eq != std::string::npos)
      request.env[e.substr(0, eq)] = e.substr(eq + 1);
    else if (call.env.count(e))
      request.env[e] = call.env.at(e);
  }
  request.user = a.value("user");
  request.workdir = a.value("workdir");
  request.interactive = a.has("interactive");
  request.tty = a.has("tty");
  if (request.interactive) request.stdin = call.stdin;
  core::CommandResult r = engine_.exec(c->record.name, request, stop);
  if (request.tty && r.not_modelled.empty()) {
    // A TTY has one stream: what the command wrote on stderr comes out on stdout.
    r.out += r.err;
    r.err.clear();
  }
  return r;
}

core::CommandResult DockerCli::cp(const Args& args, const DockerCall& call) {
  CliArgs a = parse_command(kCp, args);
  require_exact(kCp, a, 2);
  auto [src_container, src] = split_cp_arg(a.positional[0]);
  auto [dst_container, dst] = split_cp_arg(a.positional[1]);
  if (src == "-" || dst == "-") return core::not_modelled_result("docker cp with - (a tar stream)");
  if (src.empty()) return failed("source can not be empty");
  if (dst.empty()) return failed("destination can not be empty");
  if (!src_container.empty() && !dst_container.empty()) return failed("copying between containers is not supported");
  if (src_container.empty() && dst_container.empty()) return failed("must specify at least one container source");
  const std::string& container = src_container.empty() ? dst_container : src_container;
  std::optional<ContainerInfo> c = engine_.info(container);
  if (!src_container.empty()) {
    if (!c) return failed(fmt::format("Error: No such container:path: {}:{}", container, src));
    fs::path from = c->filesystem.resolve(fs::path("/") / src);
    if (!fs::exists(from)) return failed(fmt::format("Error: No such container:path: {}:{}", container, src));
    fs::path host_dst = (call.cwd / dst).lexically_normal();
    std::string error = copy_tree(from, ends_with(src, "/."), real_path(host_dst), ends_with(dst, "/"));
    return error.empty() ? core::CommandResult{} : failed(error);
  }
  fs::path host_src = (call.cwd / src).lexically_normal();
  fs::path from = real_path(host_src);
  if (!fs::exists(from)) return failed(fmt::format("lstat {}: no such file or directory", host_src.string()));
  if (!c) return failed(fmt::format("Error: No such container:path: {}:{}", container, dst));
  std::string target = (fs::path("/") / dst).lexically_normal().string();
  if (read_only_target(*c, target)) return failed(daemon_error("mounted volume is marked read-only"));
  fs::path to = c->filesystem.resolve(target);
  std::string error = copy_tree(from, ends_with(src, "/."), to, ends_with(dst, "/"));
  if (error == "no such directory")
    return failed(
        daemon_error(fmt::format("Could not find the file {} in container {}",
                                 ends_with(dst, "/") ? target : fs::path(target).parent_path().string(), container)));
  return error.empty() ? core::CommandResult{} : failed(error);
}

}  // namespace bg::fakes
